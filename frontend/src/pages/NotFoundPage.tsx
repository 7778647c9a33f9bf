import { Link } from "react-router-dom";

export default function NotFoundPage() {
  return (
    <div className="grid gap-2">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="text-sm text-muted-foreground">
        Nothing lives at this address. <Link to="/" className="text-primary underline">Go to the dashboard</Link>.
      </p>
    </div>
  );
}
