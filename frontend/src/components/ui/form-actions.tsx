import type { GlobalError } from "react-hook-form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";

/** What the actions read of a react-hook-form `formState`. */
interface SubmitState {
  isSubmitting: boolean;
  /** `root.server`: the form-level error that applyApiErrors (lib/forms) sets for a 409, a 400, … */
  errors: { root?: Record<string, GlobalError> };
}

interface FormActionsProps {
  /** The form's `form.formState`: while submitting the button is disabled and says `pendingLabel`. */
  formState: SubmitState;
  submitLabel: string;
  pendingLabel: string;
  /** Renders a Cancel button when given. */
  onCancel?: (() => void) | undefined;
  /** The form is a two-column grid: the error and the buttons span both columns. */
  twoColumns?: boolean;
  /** Renders "Save and add another" (or this label) beside the submit button; it saves, then keeps the dialog open. */
  onSaveAnother?: (() => void) | undefined;
  anotherLabel?: string;
}

/** The end of every dialog form: the form-level error, then Cancel and the submit button. */
export function FormActions({
  formState,
  submitLabel,
  pendingLabel,
  onCancel,
  twoColumns = false,
  onSaveAnother,
  anotherLabel = "Save and add another",
}: FormActionsProps) {
  const span = twoColumns ? "sm:col-span-2" : undefined;
  const serverError = formState.errors.root?.server;
  return (
    <>
      {serverError ? (
        <Alert variant="destructive" className={span}>
          {serverError.message}
        </Alert>
      ) : null}
      <DialogFooter className={span}>
        {onCancel ? (
          <Button variant="outline" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
        {onSaveAnother ? (
          // type="button": Enter in a field still means the plain submit button.
          <Button variant="secondary" onClick={onSaveAnother} disabled={formState.isSubmitting}>
            {anotherLabel}
          </Button>
        ) : null}
        <Button type="submit" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? pendingLabel : submitLabel}
        </Button>
      </DialogFooter>
    </>
  );
}
