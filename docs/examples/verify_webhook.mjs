// Verify a Batchivo webhook request (docs/api.md, "Webhooks"). Node.js 18+, no dependencies.
//
//   import { verifyWebhook } from "./verify_webhook.mjs";
//   const ok = verifyWebhook({ secret, headers: req.headers, rawBody });  // rawBody: a Buffer of the bytes received
//
// Use the raw body as received (e.g. express.raw({ type: "application/json" })), never JSON.stringify of a
// parsed body: re-serialising changes the bytes and the signature.
import { createHmac, timingSafeEqual } from "node:crypto";

/** Refuse a request whose timestamp is further than this from your clock (seconds). */
export const REPLAY_WINDOW_SECONDS = 300;

function header(headers, name) {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value.join(" ") : String(value);
  }
  return undefined;
}

/**
 * True when Batchivo-Webhook-Signature holds a v1= value equal to
 * hex(HMAC-SHA256(secret, "<Batchivo-Webhook-Timestamp>.<raw body>")) and the timestamp is within
 * `tolerance` seconds of now. During a secret rotation the header holds several v1= values
 * (space-separated): any one matching is enough.
 */
export function verifyWebhook({ secret, headers, rawBody, now = Date.now() / 1000, tolerance = REPLAY_WINDOW_SECONDS }) {
  const timestamp = header(headers, "Batchivo-Webhook-Timestamp");
  const signature = header(headers, "Batchivo-Webhook-Signature");
  if (!timestamp || !signature || !/^[0-9]+$/.test(timestamp)) return false;
  if (Math.abs(now - Number(timestamp)) > tolerance) return false; // too old (a replay) or a clock far off
  const body = Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody, "utf8");
  const expected = createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(Buffer.concat([Buffer.from(`${timestamp}.`, "utf8"), body]))
    .digest();
  let ok = false;
  for (const part of signature.replace(/,/g, " ").split(/\s+/)) {
    if (!/^v1=[0-9a-f]{64}$/.test(part)) continue;
    // timingSafeEqual: the time taken does not depend on where the first differing byte is.
    if (timingSafeEqual(Buffer.from(part.slice(3), "hex"), expected)) ok = true;
  }
  return ok;
}
