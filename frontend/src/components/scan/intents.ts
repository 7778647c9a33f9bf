/**
 * Where a scan leads, read from the address the Scan dialog navigated to, then dropped from it (a reload or
 * "back" does not reopen the dialog): `/spools/:id?action=weigh` and `/spools?new=1&filament_type=<id>`.
 */
import { useEffect, useRef } from "react";
import { useSearchParams } from "react-router-dom";

function useIntent(read: (params: URLSearchParams) => string | null, keys: string[], onIntent: (value: string) => void, enabled: boolean) {
  const [params, setParams] = useSearchParams();
  const value = read(params);
  const onIntentRef = useRef(onIntent);
  onIntentRef.current = onIntent;
  useEffect(() => {
    if (value === null || !enabled) return;
    onIntentRef.current(value);
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const key of keys) next.delete(key);
        return next;
      },
      { replace: true },
    );
    // keys is a constant of each caller, read only here
  }, [value, enabled, setParams]);
}

/** `?action=weigh` on a spool's page: `onWeigh` once (when `enabled`: a member, and the spool not archived). */
export function useWeighIntent(onWeigh: () => void, enabled: boolean) {
  useIntent((params) => (params.get("action") === "weigh" ? "weigh" : null), ["action"], onWeigh, enabled);
}

/** `?new=1&filament_type=<id>` on the spool list: `onNew(filamentTypeId)` once ("" when no type is named). */
export function useNewSpoolIntent(onNew: (filamentTypeId: string) => void, enabled: boolean) {
  useIntent((params) => (params.get("new") === "1" ? (params.get("filament_type") ?? "") : null), ["new", "filament_type"], onNew, enabled);
}
