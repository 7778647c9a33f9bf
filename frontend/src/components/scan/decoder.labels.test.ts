// The decoder the app ships for browsers without BarcodeDetector must read every label the app prints: our
// spools' QR codes (the `qrcode` library, level M, as LabelsPage draws them) and a manufacturer's EAN-13.
// (@zxing/browser, the first choice, never read about 7 % of such QR codes, whatever the picture.)
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import QRCode from "qrcode";
import { beforeAll, describe, expect, it } from "vitest";
import { prepareZXingModule, readBarcodes } from "zxing-wasm/reader";

const WIDTH = 640;
const HEIGHT = 480;

interface Picture {
  width: number;
  height: number;
  dark: (x: number, y: number) => boolean;
}

/** A camera frame (RGBA) showing `picture` centred on white. */
function frame(picture: Picture) {
  const data = new Uint8ClampedArray(WIDTH * HEIGHT * 4).fill(235);
  const left = Math.floor((WIDTH - picture.width) / 2);
  const top = Math.floor((HEIGHT - picture.height) / 2);
  for (let y = 0; y < picture.height; y += 1) {
    for (let x = 0; x < picture.width; x += 1) {
      if (!picture.dark(x, y)) continue;
      const offset = ((top + y) * WIDTH + left + x) * 4;
      data.fill(16, offset, offset + 3);
    }
  }
  for (let offset = 3; offset < data.length; offset += 4) data[offset] = 255;
  return { data, width: WIDTH, height: HEIGHT, colorSpace: "srgb" as const };
}

/** The QR code of `text` as LabelsPage makes it (level M), `scale` px a module, with a 4-module quiet zone. */
function qrPicture(text: string, scale = 8): Picture {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const quiet = 4;
  return {
    width: (modules.size + 2 * quiet) * scale,
    height: (modules.size + 2 * quiet) * scale,
    dark: (x, y) => {
      const row = Math.floor(y / scale) - quiet;
      const column = Math.floor(x / scale) - quiet;
      return row >= 0 && column >= 0 && row < modules.size && column < modules.size && Boolean(modules.get(row, column));
    },
  };
}

async function read(image: ReturnType<typeof frame>): Promise<string | undefined> {
  const [first] = await readBarcodes(image as unknown as ImageData, { formats: ["QRCode", "EAN-13"], maxNumberOfSymbols: 1 });
  return first?.text;
}

describe("the camera decoder (zxing-wasm) reads the app's labels", () => {
  beforeAll(async () => {
    const wasm = readFileSync(createRequire(import.meta.url).resolve("zxing-wasm/reader/zxing_reader.wasm"));
    await prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) }, fireImmediately: true });
  });

  it("reads every one of 200 spool label QR codes", async () => {
    const missed: string[] = [];
    for (let index = 0; index < 200; index += 1) {
      const text = `https://shop.example:${8000 + index}/spools/${randomUUID()}`;
      if ((await read(frame(qrPicture(text)))) !== text) missed.push(text);
    }
    expect(missed).toEqual([]);
  });

  it("reads an EAN-13 and finds nothing on a blank frame", async () => {
    // The 95 modules of 4006381333931 (start, six left digits with the parity of the leading 4, centre, six
    // right digits, end), as tests/e2e/fakeCamera.mjs draws them from the GS1 tables.
    const bits = "10100011010100111010111101111010001001011001101010100001010000101000010111010010000101100110101";
    const quiet = 11;
    const scale = 4;
    const ean: Picture = { width: (bits.length + 2 * quiet) * scale, height: 200, dark: (x) => bits[Math.floor(x / scale) - quiet] === "1" };
    expect(await read(frame(ean))).toBe("4006381333931");
    expect(await read(frame({ width: 1, height: 1, dark: () => false }))).toBeUndefined();
  });
});
