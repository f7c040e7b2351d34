// The session's webinar option, in the schedule and edit forms.
export function WebinarField({ id, checked, onChange }: { id: string; checked: boolean; onChange: (on: boolean) => void }) {
  return (
    <div class="field">
      <label class="check" for={id}>
        <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} /> Webinar mode
      </label>
      <span class="muted small">For big classes: only you, your co-hosts and the people you promote speak and show video; everyone else watches.</span>
    </div>
  );
}
