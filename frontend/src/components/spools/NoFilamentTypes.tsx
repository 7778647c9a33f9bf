import { Link } from "react-router-dom";
import { Alert } from "@/components/ui/alert";

/** Spools need a filament type; a shop without any is sent to create one first. */
export function NoFilamentTypes() {
  return (
    <Alert>
      Your shop has no filament types yet. A spool is always of a filament type:{" "}
      <Link to="/filament-types" className="font-medium text-primary underline">
        add a filament type
      </Link>{" "}
      first.
    </Alert>
  );
}
