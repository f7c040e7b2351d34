import type { ComponentChildren } from 'preact';

interface CardSectionProps {
  /** The heading's id; the section is labelled by it. */
  headingId: string;
  title: ComponentChildren;
  /** Classes beside `card` (e.g. `stack`). */
  extraClass?: string;
  children: ComponentChildren;
}

/** A card section named by its h2 heading. */
export function CardSection({ headingId, title, extraClass, children }: CardSectionProps) {
  return (
    <section class={extraClass ? `card ${extraClass}` : 'card'} aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}
