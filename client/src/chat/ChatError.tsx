/** The chat's error line, announced when it appears (nothing while there is no error). */
export function ChatError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p class="chat-error" role="alert">
      {error}
    </p>
  );
}
