/**
 * Decoding codes from the camera: the browser's BarcodeDetector where it exists and reads QR codes, else
 * zxing-wasm (ZXing-C++ compiled to WebAssembly), loaded on demand: its module and its .wasm are fetched on
 * the first scan only, never with the app's shell, and from the app's own origin.
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

export type DecoderKind = "native" | "wasm";

/** Stops decoding (and frees the decoder; the camera stream is the caller's). */
export type StopDecoding = () => void;

function nativeDetector(): BarcodeDetectorConstructor | undefined {
  return (globalThis as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector;
}

/** Which decoder this browser gets: native only if it reads QR codes (our labels). */
export async function pickDecoder(): Promise<DecoderKind> {
  const Detector = nativeDetector();
  if (!Detector) return "wasm";
  try {
    const formats = await Detector.getSupportedFormats();
    return formats.includes("qr_code") ? "native" : "wasm";
  } catch {
    return "wasm";
  }
}

/** Reads one frame of `video`: the decoded text, or undefined when the frame holds no readable code. */
export type FrameReader = (video: HTMLVideoElement) => Promise<string | undefined>;

/**
 * Reads a frame every `everyMs` for as long as the camera plays, and never gives up on its own: a frame that
 * is not ready yet (no size while the camera warms up) is skipped, and a reader's error only costs that frame.
 */
export function pollFrames(video: HTMLVideoElement, read: FrameReader, onText: (text: string) => void, everyMs = DETECT_EVERY_MS): StopDecoding {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    if (stopped) return;
    if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0 && video.videoHeight > 0) {
      try {
        const text = await read(video);
        if (text && !stopped) onText(text);
      } catch {
        // A frame the decoder could not read: try the next one.
      }
    }
    if (!stopped) timer = setTimeout(() => void tick(), everyMs);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

async function nativeReader(): Promise<FrameReader> {
  const Detector = nativeDetector();
  if (!Detector) throw new Error("BarcodeDetector is missing");
  const supported = await Detector.getSupportedFormats();
  const detector = new Detector({ formats: FORMATS.filter((format) => supported.includes(format)) });
  return async (video) => (await detector.detect(video))[0]?.rawValue || undefined;
}

/** zxing-wasm's names of FORMATS, in the same order. */
const WASM_FORMATS = ["QRCode", "EAN-13", "EAN-8", "UPC-A", "UPC-E"] as const;

async function wasmReader(): Promise<FrameReader> {
  // (@zxing/browser, used before, missed about 7 % of our own labels' QR codes however often it looked: its
  // finder-pattern search fails on some codes, whatever the picture. ZXing-C++ read every one of 300.)
  const [{ prepareZXingModule, readBarcodes }, { default: wasmUrl }] = await Promise.all([
    import("zxing-wasm/reader"),
    import("zxing-wasm/reader/zxing_reader.wasm?url"),
  ]);
  // Self-hosted: by default the module would fetch its .wasm from a CDN.
  prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith(".wasm") ? wasmUrl : prefix + path) } });
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (!context) throw new Error("no 2D canvas to read the camera's frames");
  return async (video) => {
    // Sized on every frame: a camera may change its resolution once it has started.
    if (canvas.width !== video.videoWidth) canvas.width = video.videoWidth;
    if (canvas.height !== video.videoHeight) canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const frame = context.getImageData(0, 0, canvas.width, canvas.height);
    const [first] = await readBarcodes(frame, { formats: [...WASM_FORMATS], maxNumberOfSymbols: 1 });
    return first?.text || undefined;
  };
}

/** Starts decoding the frames of `video` (already playing a camera stream); each decoded text goes to `onText`. */
export async function startDecoding(video: HTMLVideoElement, onText: (text: string) => void, kind?: DecoderKind): Promise<StopDecoding> {
  const chosen = kind ?? (await pickDecoder());
  const read = chosen === "native" ? await nativeReader() : await wasmReader();
  return pollFrames(video, read, onText);
}
