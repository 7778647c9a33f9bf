/**
 * A printer linked to the API key its Moonraker or OctoPrint reports filament use with through the
 * Spoolman-compatible API (docs/adr/0021-printers-follow-their-api-key.md): the spool it reports becomes the
 * printer's loaded spool. The form's choices and the card's "last report" line.
 */
import { formatRelativeTime } from "@/lib/format";
import type { ApiKey } from "@/queries/apiKeys";
import type { Printer } from "@/queries/production";

/** The shop owners' page on connecting Moonraker, Mainsail/Fluidd and OctoPrint-Spoolman (docs/spoolman.md). */
export const SPOOLMAN_DOCS_URL = "https://github.com/batchivo/batchivo/blob/main/docs/spoolman.md";

export function SpoolmanDocsLink({ children = "Spoolman set-up guide" }: { children?: string }) {
  return (
    <a href={SPOOLMAN_DOCS_URL} target="_blank" rel="noreferrer" className="font-medium underline underline-offset-4">
      {children}
    </a>
  );
}

export interface ApiKeyChoice {
  id: string;
  label: string;
}

/**
 * The keys a printer can report with: the shop's keys that are not revoked, and the one it is linked to
 * whatever its state (revoked, or not visible to this user), so the select always shows the link.
 */
export function apiKeyChoices(keys: readonly ApiKey[] | undefined, linkedId: string | null | undefined): ApiKeyChoice[] {
  const choices = (keys ?? []).filter((key) => key.revoked_at == null).map((key) => ({ id: key.id, label: `${key.name} (${key.prefix}…)` }));
  if (linkedId && !choices.some((choice) => choice.id === linkedId)) {
    const linked = keys?.find((key) => key.id === linkedId);
    choices.unshift({ id: linkedId, label: linked ? `${linked.name} (revoked)` : "The linked key" });
  }
  return choices;
}

/** "Reports usage with API key voron-1 · last report: 5 minutes ago on FIL-042" (nothing when not linked). */
export function PrinterReport({ printer, keys, now }: { printer: Printer; keys?: readonly ApiKey[] | undefined; now?: number }) {
  if (!printer.api_key_id) return null;
  const key = keys?.find((candidate) => candidate.id === printer.api_key_id);
  return (
    <p className="text-sm text-muted-foreground" data-testid="printer-report">
      Reports usage with API key <span className="font-medium text-foreground">{key?.name ?? "(linked)"}</span>
      {key?.revoked_at ? " (revoked)" : ""}
      {" · "}
      {printer.last_reported_at ? (
        <>
          last report: <time dateTime={printer.last_reported_at}>{formatRelativeTime(printer.last_reported_at, now)}</time>
          {printer.last_reported_spool_code ? (
            <>
              {" on "}
              <span className="font-mono text-foreground">{printer.last_reported_spool_code}</span>
            </>
          ) : null}
        </>
      ) : (
        "no report yet"
      )}
    </p>
  );
}
