import { Field } from '../../components/Field.js';

/** A session's title and description fields (`${idPrefix}-title`, `${idPrefix}-desc`). */
export function AboutFields({ idPrefix, title, onTitle, description, onDescription }: { idPrefix: string; title: string; onTitle: (v: string) => void; description: string; onDescription: (v: string) => void }) {
  return (
    <>
      <Field id={`${idPrefix}-title`} label="Title" required maxLength={200} value={title} onValue={onTitle} />
      <div class="field">
        <label for={`${idPrefix}-desc`}>Description</label>
        <textarea id={`${idPrefix}-desc`} rows={3} maxLength={10000} value={description} onInput={(e) => onDescription(e.currentTarget.value)} />
      </div>
    </>
  );
}
