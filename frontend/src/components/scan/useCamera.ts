import { useEffect, useRef, useState } from "react";
import { startDecoding, type StopDecoding } from "@/components/scan/decoder";

export type CameraState = { status: "starting" } | { status: "scanning" } | { status: "unavailable"; reason: string };

function cameraProblem(error: unknown): string {
  const name = error instanceof DOMException || error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") return "Camera access was refused. Allow it in the browser's site settings, or type the code.";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "No camera was found. Type the code instead.";
  if (name === "NotReadableError") return "The camera is in use by another app. Close it, or type the code.";
  return "The camera could not be started. Type the code instead.";
}

/**
 * While `active`, plays the back camera in `videoRef`'s element and decodes its frames; each decoded text goes
 * to `onText` (the latest callback). Stops the stream and the decoder when inactive or unmounted.
 */
export function useCamera(active: boolean, onText: (text: string) => void) {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const [state, setState] = useState<CameraState>({ status: "starting" });
  const onTextRef = useRef(onText);
  onTextRef.current = onText;

  useEffect(() => {
    if (!active) return;
    let cancelled = false;
    let stream: MediaStream | undefined;
    let stopDecoding: StopDecoding | undefined;
    setState({ status: "starting" });
    const start = async () => {
      if (!navigator.mediaDevices?.getUserMedia) throw Object.assign(new Error("no camera API"), { name: "NotFoundError" });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
      const video = videoRef.current;
      if (cancelled || !video) return;
      video.srcObject = stream;
      video.muted = true;
      video.playsInline = true;
      await video.play();
      if (cancelled) return;
      stopDecoding = await startDecoding(video, (text) => onTextRef.current(text));
      if (cancelled) stopDecoding();
      else setState({ status: "scanning" });
    };
    start().catch((error: unknown) => {
      if (!cancelled) setState({ status: "unavailable", reason: cameraProblem(error) });
    });
    return () => {
      cancelled = true;
      stopDecoding?.();
      for (const track of stream?.getTracks() ?? []) track.stop();
      if (videoRef.current) videoRef.current.srcObject = null;
    };
  }, [active]);

  return { videoRef, state };
}
