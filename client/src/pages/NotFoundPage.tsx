import { Link } from '../components/Link.js';

export function NotFoundPage() {
  return (
    <div class="card narrow">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <p>
        <Link href="/">Go to the start page</Link>
      </p>
    </div>
  );
}
