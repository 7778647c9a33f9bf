/**
 * The Scan dialog: the camera decodes a spool label's QR code or a box's EAN/UPC barcode and the app goes
 * where it leads (lib/barcodes.ts: the spool, its weigh dialog, or "Add spool" of a filament type); a
 * retail code no type remembers yet can be remembered here. A code can always be typed instead.
 * Loaded on demand by ScanButton (with the camera decoder), so it is not part of the app's first load.
 */
import { ScanLine } from "lucide-react";
import { useRef, useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { useCamera } from "@/components/scan/useCamera";
import { FilamentTypeSelect } from "@/components/spools/FilamentTypeSelect";
import { Alert, ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useAuth } from "@/hooks/useAuth";
import { checkRetailCode, newSpoolPath, parseScannedText, scanOutcome, spoolPath } from "@/lib/barcodes";
import { useRememberBarcode, lookupCode } from "@/queries/barcodes";
import { useFilamentTypes } from "@/queries/catalogTypes";

interface ScanDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

const WEIGH_KEY = "batchivo.scan.weigh";

function readWeighChoice(): boolean {
  try {
    return localStorage.getItem(WEIGH_KEY) === "1";
  } catch {
    return false;
  }
}

type Pending = { kind: "idle" } | { kind: "looking"; text: string } | { kind: "remember"; code: string } | { kind: "message"; text: string; message: string };

function RememberPanel({ code, onDone }: { code: string; onDone: (filamentTypeId: string) => void }) {
  const { can } = useAuth();
  const types = useFilamentTypes({ limit: 200, sort: "brand" });
  const remember = useRememberBarcode();
  const [typeId, setTypeId] = useState("");
  const [missing, setMissing] = useState(false);
  if (!can("member")) {
    return <Alert>The retail code {code} is not known yet. A member of the shop can remember it for a filament type.</Alert>;
  }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!typeId) {
      setMissing(true);
      return;
    }
    remember.mutate({ filamentTypeId: typeId, code }, { onSuccess: (barcode) => onDone(barcode.filament_type_id) });
  };
  return (
    <form onSubmit={onSubmit} className="grid gap-3 rounded-md border p-3" aria-label="Remember this retail code">
      <p className="text-sm">
        <span className="font-mono font-semibold">{code}</span> is a retail code no filament type remembers yet. Remember it for a type:
        the next box with this code opens “Add spool” with that type.
      </p>
      <Field label="Filament type" error={missing ? "Choose a filament type" : undefined}>
        <FilamentTypeSelect
          types={types.data?.items ?? []}
          emptyLabel={types.isPending ? "Loading…" : "Choose a filament type…"}
          value={typeId}
          onChange={(event) => {
            setTypeId(event.target.value);
            setMissing(false);
          }}
        />
      </Field>
      <ErrorAlert error={remember.error} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={remember.isPending}>
          {remember.isPending ? "Remembering…" : "Remember and add spool"}
        </Button>
      </div>
    </form>
  );
}

export function ScanDialog({ open, onOpenChange }: ScanDialogProps) {
  const navigate = useNavigate();
  const { can } = useAuth();
  // Kept between scans (and visits): weighing a shelf of spools is one scan after another.
  const [weigh, setWeighState] = useState(() => readWeighChoice());
  const setWeigh = (next: boolean) => {
    setWeighState(next);
    try {
      localStorage.setItem(WEIGH_KEY, next ? "1" : "0");
    } catch {
      // Storage may be off (private mode): the choice lasts while the page is open.
    }
  };
  const [typed, setTyped] = useState("");
  const [typedError, setTypedError] = useState<string>();
  const [pending, setPending] = useState<Pending>({ kind: "idle" });
  const [failure, setFailure] = useState<unknown>();
  // The camera sends the same text many times a second: one look-up per text until another one is seen.
  const lastText = useRef<string | null>(null);
  const busy = useRef(false);


  const resolve = async (text: string) => {
    const parsed = parseScannedText(text);
    if (!parsed || busy.current) return;
    if (parsed.kind === "spool") {
      go(spoolPath(parsed.id, weigh && can("member")));
      return;
    }
    busy.current = true;
    setFailure(undefined);
    setPending({ kind: "looking", text: parsed.code });
    try {
      const outcome = scanOutcome(await lookupCode(parsed.code), weigh && can("member"));
      if (outcome.type === "navigate") go(outcome.to);
      else if (outcome.type === "remember") setPending({ kind: "remember", code: outcome.code });
      else setPending({ kind: "message", text: parsed.code, message: outcome.message });
    } catch (error) {
      setFailure(error);
      setPending({ kind: "idle" });
      lastText.current = null;
    } finally {
      busy.current = false;
    }
  };

  const onDecoded = (text: string) => {
    if (text === lastText.current) return;
    lastText.current = text;
    void resolve(text);
  };

  const scanning = open && pending.kind !== "remember";
  const { videoRef, state } = useCamera(scanning, onDecoded);

  const onTyped = (event: FormEvent) => {
    event.preventDefault();
    const code = typed.trim();
    if (!code) {
      setTypedError("Type a spool code (e.g. FIL-001) or a barcode's digits");
      return;
    }
    // Digits of a barcode's length with a wrong check digit: say so now, before asking the API.
    if (/^[\d\s-]+$/.test(code) && [8, 12, 13].includes(code.replace(/[\s-]/g, "").length)) {
      const check = checkRetailCode(code);
      if (!check.ok) {
        setTypedError(check.reason);
        return;
      }
    }
    setTypedError(undefined);
    lastText.current = code;
    void resolve(code);
  };

  const go = (to: string) => {
    onOpenChanged(false);
    navigate(to);
  };

  const onOpenChanged = (next: boolean) => {
    if (!next) {
      setPending({ kind: "idle" });
      setTyped("");
      setTypedError(undefined);
      setFailure(undefined);
      lastText.current = null;
    }
    onOpenChange(next);
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChanged}>
      <DialogContent className="max-w-lg">
        <DialogHeader>
          <DialogTitle>Scan a code</DialogTitle>
          <DialogDescription>Point the camera at a spool's label or at the barcode on a filament box.</DialogDescription>
        </DialogHeader>

        {pending.kind === "remember" ? (
          <RememberPanel code={pending.code} onDone={(filamentTypeId) => go(newSpoolPath(filamentTypeId))} />
        ) : (
          <div className="grid gap-3">
            <div className="relative aspect-[4/3] overflow-hidden rounded-md bg-muted">
              <video ref={videoRef} className="size-full object-cover" muted playsInline aria-label="Camera preview" data-testid="scan-video" />
              <div className="pointer-events-none absolute inset-x-6 top-1/2 h-0.5 -translate-y-1/2 bg-red-500/70" aria-hidden />
              <p className="absolute inset-x-0 bottom-0 bg-background/85 px-3 py-1.5 text-sm" role="status" aria-live="polite">
                {pending.kind === "looking"
                  ? `Looking up ${pending.text}…`
                  : state.status === "starting"
                    ? "Starting the camera…"
                    : state.status === "scanning"
                      ? "Scanning: hold the code inside the frame."
                      : state.reason}
              </p>
            </div>
            {can("member") ? (
              <div className="flex items-center gap-2">
                <Checkbox id="scan-weigh" checked={weigh} onCheckedChange={(checked) => setWeigh(checked === true)} />
                <Label htmlFor="scan-weigh" className="leading-snug">
                  Open the weigh dialog of a scanned spool
                </Label>
              </div>
            ) : null}
            {pending.kind === "message" ? <Alert variant="destructive">{pending.message}</Alert> : null}
            <ErrorAlert error={failure} />
            <form onSubmit={onTyped} className="grid gap-2 sm:grid-cols-[1fr_auto] sm:items-end" aria-label="Type a code">
              <Field label="Or type the code" error={typedError}>
                <Input value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" spellCheck={false} placeholder="FIL-001 or 4006381333931" />
              </Field>
              <Button type="submit" variant="outline" className={typedError ? "sm:mb-6" : undefined}>
                <ScanLine aria-hidden />
                Look up
              </Button>
            </form>
          </div>
        )}
      </DialogContent>
    </Dialog>
  );
}
