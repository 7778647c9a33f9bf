/**
 * A product's image gallery (services/catalog README "Product images"). Keys live under the product's
 * detail (["products", "detail", id, "images"]) so the "products" resource refreshes them; writes touch
 * "product.images".
 *
 * Uploads go through XMLHttpRequest for its upload progress events, with the same bearer token (and one
 * refresh on 401) as the typed clients' session fetch, and an Idempotency-Key from lib/idempotency. The
 * image bytes need the token too, so they are fetched through the session and shown as data: URLs.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { catalogApi, unwrap, type CatalogSchemas } from "@/lib/api";
import { ApiError } from "@/lib/errors";
import { idempotent } from "@/lib/idempotency";
import { touch } from "@/lib/resources";
import { session } from "@/lib/session";

export type ProductImage = CatalogSchemas["ImageRead"];
export type ImageList = CatalogSchemas["ImageList"];

/** The server's limits (README "Product images"), to say them in words. */
export const MAX_IMAGES = 20;
export const MAX_IMAGE_MB = 10;
export const ACCEPTED_IMAGE_TYPES = "image/jpeg,image/png,image/webp";

export const imageKeys = {
  list: (productId: string) => ["products", "detail", productId, "images"] as const,
  bytes: (productId: string, url: string) => ["products", "detail", productId, "images", "bytes", url] as const,
};

export function useProductImages(productId: string) {
  return useQuery({
    queryKey: imageKeys.list(productId),
    queryFn: async ({ signal }) =>
      unwrap(await catalogApi.GET("/api/v1/products/{product_id}/images", { params: { path: { product_id: productId } }, signal })),
  });
}

/** A Blob as a data: URL (the app's Content-Security-Policy allows `img-src 'self' data:`, not blob:). */
export async function blobToDataUrl(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = "";
  const CHUNK = 0x8000; // String.fromCharCode takes its arguments on the stack
  for (let at = 0; at < bytes.length; at += CHUNK) binary += String.fromCharCode(...bytes.subarray(at, at + CHUNK));
  return `data:${blob.type || "application/octet-stream"};base64,${btoa(binary)}`;
}

async function fetchDataUrl(url: string, signal: AbortSignal): Promise<string> {
  const response = await session.fetch(new Request(new URL(url, window.location.origin)));
  signal.throwIfAborted();
  if (!response.ok) throw ApiError.fromBody(response.status, await response.json().catch(() => null));
  return blobToDataUrl(await response.blob());
}

/**
 * The bytes of an image the API serves behind the bearer token (`url` is the image's thumbnail_url or
 * content_url), as a data: URL an <img> can show. The bytes of an image never change (a new upload is a new
 * image), so they are cached for the session. Thumbnails are small (≤ 400 px WebP), which keeps data URLs cheap.
 */
export function useImageSrc(productId: string, url: string): { src: string | null; failed: boolean } {
  const bytes = useQuery({
    queryKey: imageKeys.bytes(productId, url),
    queryFn: ({ signal }) => fetchDataUrl(url, signal),
    staleTime: Infinity,
    gcTime: 5 * 60_000,
  });
  return { src: bytes.data ?? null, failed: bytes.isError };
}

// ---- Upload ---------------------------------------------------------------------------------------------

export interface UploadRequest {
  url: string;
  headers: Record<string, string>;
  body: FormData;
  onProgress?: (fraction: number) => void;
}

/** Sends one upload and answers its status and parsed body; swappable in tests (jsdom has no real upload). */
export type UploadTransport = (request: UploadRequest) => Promise<{ status: number; body: unknown }>;

/** XMLHttpRequest, for `upload.onprogress` (fetch has no upload progress outside streaming bodies). */
export const xhrTransport: UploadTransport = ({ url, headers, body, onProgress }) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText ? (JSON.parse(xhr.responseText) as unknown) : null;
      } catch {
        parsed = null;
      }
      resolve({ status: xhr.status, body: parsed });
    };
    xhr.onerror = () => reject(new TypeError("Network error during upload"));
    xhr.onabort = () => reject(new TypeError("Upload aborted"));
    xhr.send(body);
  });

export const uploadTransport: { send: UploadTransport } = { send: xhrTransport };

/** The fingerprint of an upload (lib/idempotency): the same file with the same alt text is the same action. */
export function uploadFingerprint(file: File, altText: string | null) {
  return { file: file.name, size: file.size, modified: file.lastModified, type: file.type, alt_text: altText };
}

export interface UploadInput {
  productId: string;
  file: File;
  altText?: string | null;
  onProgress?: (fraction: number) => void;
}

/** One upload with its Idempotency-Key; a 401 refreshes the session once and sends again, like session.fetch. */
export async function uploadProductImage({ productId, file, altText = null, onProgress }: UploadInput): Promise<ProductImage> {
  const route = `/api/v1/products/${productId}/images`;
  return idempotent(route, uploadFingerprint(file, altText), async (keyHeader) => {
    const attempt = async (token: string | null) => {
      const body = new FormData();
      body.append("file", file, file.name);
      if (altText) body.append("alt_text", altText);
      const headers: Record<string, string> = { ...keyHeader };
      if (token) headers.Authorization = `Bearer ${token}`;
      return uploadTransport.send({ url: route, headers, body, onProgress });
    };
    const sentToken = session.accessToken;
    let answer = await attempt(sentToken);
    if (answer.status === 401) {
      const token = session.accessToken !== sentToken ? session.accessToken : await session.refresh();
      if (token) {
        onProgress?.(0);
        answer = await attempt(token);
      }
    }
    if (answer.status >= 200 && answer.status < 300) return answer.body as ProductImage;
    throw ApiError.fromBody(answer.status, answer.body);
  });
}

/** Plain words for a refused upload (the codes of the README's rules). */
export function uploadErrorMessage(error: unknown, fileName: string): string {
  if (error instanceof ApiError) {
    switch (error.code) {
      case "UNSUPPORTED_MEDIA_TYPE":
        return `“${fileName}” is not a JPEG, PNG or WebP image. Choose a photo or a picture saved in one of those formats.`;
      case "PAYLOAD_TOO_LARGE":
        return `“${fileName}” is larger than ${MAX_IMAGE_MB} MB. Make it smaller and try again.`;
      case "EMPTY_FILE":
        return `“${fileName}” is empty.`;
      case "IMAGE_TOO_LARGE":
        return `“${fileName}” has too many pixels (more than 40 megapixels). Resize it and try again.`;
      case "INVALID_IMAGE":
        return `“${fileName}” is damaged or incomplete and cannot be read as an image.`;
      case "TOO_MANY_IMAGES":
        return `A product can have at most ${MAX_IMAGES} images. Delete one before adding “${fileName}”.`;
      default:
        if (error.status === 413) return `“${fileName}” is larger than ${MAX_IMAGE_MB} MB. Make it smaller and try again.`;
        if (error.status === 415) return `“${fileName}” is not a JPEG, PNG or WebP image.`;
    }
  }
  if (error instanceof TypeError) return `“${fileName}” could not be sent: the connection failed. Try again.`;
  if (error instanceof ApiError && (error.status >= 500 || error.status === 0)) return `“${fileName}” could not be stored right now. Try again in a moment.`;
  return error instanceof Error ? `“${fileName}”: ${error.message}` : `“${fileName}” could not be uploaded.`;
}

export function useUploadProductImage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: uploadProductImage,
    onSuccess: () => touch(queryClient, "product.images"),
  });
}

// ---- Metadata writes ------------------------------------------------------------------------------------

export function useUpdateProductImage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ productId, imageId, body }: { productId: string; imageId: string; body: CatalogSchemas["ImageUpdate"] }) =>
      unwrap(
        await catalogApi.PATCH("/api/v1/products/{product_id}/images/{image_id}", {
          params: { path: { product_id: productId, image_id: imageId } },
          body,
        }),
      ),
    onSuccess: () => touch(queryClient, "product.images"),
  });
}

export function useReorderProductImages() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ productId, imageIds }: { productId: string; imageIds: string[] }) =>
      unwrap(
        await catalogApi.PUT("/api/v1/products/{product_id}/images/order", {
          params: { path: { product_id: productId } },
          body: { image_ids: imageIds },
        }),
      ),
    onSuccess: (list, { productId }) => {
      queryClient.setQueryData(imageKeys.list(productId), list);
      touch(queryClient, "product.images");
    },
  });
}

export function useDeleteProductImage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ productId, imageId }: { productId: string; imageId: string }) =>
      unwrap(
        await catalogApi.DELETE("/api/v1/products/{product_id}/images/{image_id}", {
          params: { path: { product_id: productId, image_id: imageId } },
        }),
      ),
    onSuccess: () => touch(queryClient, "product.images"),
  });
}

/** `ids` with the item at `index` moved by `step` (-1 left, +1 right); unchanged at the ends. */
export function moved<T>(ids: readonly T[], index: number, step: -1 | 1): T[] {
  const target = index + step;
  const out = [...ids];
  if (index < 0 || index >= ids.length || target < 0 || target >= ids.length) return out;
  [out[index], out[target]] = [out[target] as T, out[index] as T];
  return out;
}
