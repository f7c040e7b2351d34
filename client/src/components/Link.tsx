import type { ComponentChildren } from 'preact';
import { linkClick } from '../router.js';

interface LinkProps {
  href: string;
  class?: string;
  children: ComponentChildren;
  'aria-current'?: 'page' | undefined;
}

/** An <a> that navigates inside the app for plain clicks. */
export function Link({ href, children, ...rest }: LinkProps) {
  return (
    <a href={href} onClick={(e) => linkClick(e, href)} {...rest}>
      {children}
    </a>
  );
}
