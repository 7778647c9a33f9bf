/**
 * Decoding codes from the camera: the browser's BarcodeDetector where it exists and reads QR codes, else
 * @zxing/browser, loaded on demand (its chunk is fetched only on first use, never with the app's shell).
 */

/** Formats of our labels (QR) and of manufacturers' boxes (EAN/UPC). */
const FORMATS = ["qr_code", "ean_13", "ean_8", "upc_a", "upc_e"];
const DETECT_EVERY_MS = 150;

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
interface BarcodeDetectorConstructor {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

export type DecoderKind = "native" | "zxing";

/** Stops decoding (and frees the decoder; the camera stream is the caller's). */
export type StopDecoding = () => void;

function nativeDetector(): BarcodeDetectorConstructor | undefined {
  return (globalThis as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector;
}

/** Which decoder this browser gets: native only if it reads QR codes (our labels). */
export async function pickDecoder(): Promise<DecoderKind> {
  const Detector = nativeDetector();
  if (!Detector) return "zxing";
  try {
    const formats = await Detector.getSupportedFormats();
    return formats.includes("qr_code") ? "native" : "zxing";
  } catch {
    return "zxing";
  }
}

async function startNative(video: HTMLVideoElement, onText: (text: string) => void): Promise<StopDecoding> {
  const Detector = nativeDetector();
  if (!Detector) throw new Error("BarcodeDetector is missing");
  const supported = await Detector.getSupportedFormats();
  const detector = new Detector({ formats: FORMATS.filter((format) => supported.includes(format)) });
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    if (stopped) return;
    if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
      try {
        const [first] = await detector.detect(video);
        if (first?.rawValue && !stopped) onText(first.rawValue);
      } catch {
        // A frame the detector could not read: try the next one.
      }
    }
    if (!stopped) timer = setTimeout(() => void tick(), DETECT_EVERY_MS);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

async function startZxing(video: HTMLVideoElement, onText: (text: string) => void): Promise<StopDecoding> {
  const { BrowserMultiFormatReader } = await import("@zxing/browser");
  const reader = new BrowserMultiFormatReader(undefined, { delayBetweenScanAttempts: DETECT_EVERY_MS, delayBetweenScanSuccess: 500 });
  let stopped = false;
  const controls = await reader.decodeFromVideoElement(video, (result) => {
    if (result && !stopped) onText(result.getText());
  });
  return () => {
    stopped = true;
    controls.stop();
  };
}

/** Starts decoding the frames of `video` (already playing a camera stream); each decoded text goes to `onText`. */
export async function startDecoding(video: HTMLVideoElement, onText: (text: string) => void, kind?: DecoderKind): Promise<StopDecoding> {
  const chosen = kind ?? (await pickDecoder());
  return chosen === "native" ? startNative(video, onText) : startZxing(video, onText);
}
