/** The header's Scan button; the dialog (and with it the camera decoder) is fetched on the first press. */
import { ScanLine } from "lucide-react";
import { lazy, Suspense, useState } from "react";
import { Button } from "@/components/ui/button";

const ScanDialog = lazy(async () => ({ default: (await import("@/components/scan/ScanDialog")).ScanDialog }));

export function ScanButton() {
  const [open, setOpen] = useState(false);
  const [loaded, setLoaded] = useState(false);
  return (
    <>
      <Button
        variant="ghost"
        size="sm"
        onClick={() => {
          setLoaded(true);
          setOpen(true);
        }}
        aria-haspopup="dialog"
      >
        <ScanLine aria-hidden />
        Scan
      </Button>
      {loaded ? (
        <Suspense fallback={null}>
          <ScanDialog open={open} onOpenChange={setOpen} />
        </Suspense>
      ) : null}
    </>
  );
}
