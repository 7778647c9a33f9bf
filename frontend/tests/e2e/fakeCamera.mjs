// A fake camera for Chromium (--use-file-for-fake-video-capture): a Y4M video showing one code, drawn here from
// the code itself: a QR code (the modules the app's own `qrcode` library computes) or an EAN-13 barcode (drawn
// from the GS1 tables below). Chromium reads the file each time a page opens the camera, so a journey shows the
// next code by replacing the file (atomically: a rename, never a rewrite of a file Chromium may have mapped).
// (Not a test file: `node --test tests/e2e/` runs only the *.test.mjs files.)
import { renameSync, writeFileSync } from "node:fs";
import QRCode from "qrcode";

export const WIDTH = 640;
export const HEIGHT = 480;
const WHITE = 235;
const BLACK = 16;

/** @typedef {{ width: number, height: number, dark: (x: number, y: number) => boolean }} Picture */

/**
 * A QR code of `text`, `scale` pixels per module, with its 4-module quiet zone.
 * @param {string} text
 * @returns {Picture}
 */
export function qrPicture(text, scale = 9) {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const size = (modules.size + 8) * scale;
  return {
    width: size,
    height: size,
    dark: (x, y) => {
      const column = Math.floor(x / scale) - 4;
      const row = Math.floor(y / scale) - 4;
      return column >= 0 && row >= 0 && column < modules.size && row < modules.size && Boolean(modules.get(row, column));
    },
  };
}

const L = ["0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011"];
const G = ["0100111", "0110011", "0011011", "0100001", "0011101", "0111001", "0000101", "0010001", "0001001", "0010111"];
const R = ["1110010", "1100110", "1101100", "1000010", "1011100", "1001110", "1010000", "1000100", "1001000", "1110100"];
const PARITY = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"];

/** The 95 modules of an EAN-13 code ("1" = bar). @param {string} code */
export function ean13Modules(code) {
  if (!/^\d{13}$/.test(code)) throw new Error(`not 13 digits: ${code}`);
  const digits = [...code].map(Number);
  const parity = PARITY[digits[0] ?? 0] ?? "LLLLLL";
  let bits = "101";
  for (let index = 1; index <= 6; index += 1) bits += (parity[index - 1] === "G" ? G : L)[digits[index] ?? 0];
  bits += "01010";
  for (let index = 7; index <= 12; index += 1) bits += R[digits[index] ?? 0];
  return bits + "101";
}

/**
 * An EAN-13 barcode, `scale` pixels per module, with 11-module quiet zones.
 * @param {string} code
 * @returns {Picture}
 */
export function eanPicture(code, scale = 4, barHeight = 220) {
  const bits = ean13Modules(code);
  const quiet = 11;
  return {
    width: (bits.length + 2 * quiet) * scale,
    height: barHeight,
    dark: (x) => bits[Math.floor(x / scale) - quiet] === "1",
  };
}

/** An empty frame (the camera sees a blank wall). @returns {Picture} */
export function blankPicture() {
  return { width: 1, height: 1, dark: () => false };
}

/**
 * Y4M (4:2:0) of `picture` centred on a white frame, a few identical frames (Chromium loops the file).
 * @param {Picture} picture
 */
export function y4m(picture, frames = 3) {
  const luma = Buffer.alloc(WIDTH * HEIGHT, WHITE);
  const left = Math.floor((WIDTH - picture.width) / 2);
  const top = Math.floor((HEIGHT - picture.height) / 2);
  if (left < 0 || top < 0) throw new Error("the code does not fit the frame");
  for (let y = 0; y < picture.height; y += 1) {
    for (let x = 0; x < picture.width; x += 1) {
      if (picture.dark(x, y)) luma[(top + y) * WIDTH + left + x] = BLACK;
    }
  }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), luma, chroma]);
  return Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]);
}

/**
 * Replaces the camera's file with a video of `picture`.
 * @param {string} path
 * @param {Picture} picture
 */
export function showCamera(path, picture) {
  const next = `${path}.next`;
  writeFileSync(next, y4m(picture));
  renameSync(next, path);
}
