import { isRouteErrorResponse, useRouteError } from "react-router-dom";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { errorMessage } from "@/lib/errors";

/** Shown instead of a page that failed to load or render: a new deploy may have replaced its chunk. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : errorMessage(error);
  return (
    <div className="mx-auto grid max-w-md gap-3 p-6">
      <h1 className="text-xl font-semibold">This page could not be shown</h1>
      <Alert variant="destructive">{message}</Alert>
      <Button onClick={() => window.location.reload()}>Reload</Button>
    </div>
  );
}
