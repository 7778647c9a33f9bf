/**
 * A product's images: thumbnails in their order, the primary one marked; members upload (drag and drop or
 * the file picker, with progress), set the primary, move images left/right, edit the alt text and delete.
 */
import { ArrowLeft, ArrowRight, ImagePlus, RotateCcw, Star, Trash2, Type, X } from "lucide-react";
import { useRef, useState, type DragEvent, type FormEvent } from "react";
import { ErrorAlert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { fieldMessages, errorMessage } from "@/lib/errors";
import { keepsKey } from "@/lib/idempotency";
import { toast } from "@/lib/toast";
import { cn } from "@/lib/utils";
import {
  ACCEPTED_IMAGE_TYPES,
  MAX_IMAGES,
  MAX_IMAGE_MB,
  moved,
  uploadErrorMessage,
  useDeleteProductImage,
  useImageSrc,
  useProductImages,
  useReorderProductImages,
  useUpdateProductImage,
  useUploadProductImage,
  type ProductImage,
} from "@/queries/productImages";

interface Upload {
  id: number;
  file: File;
  progress: number;
  error: unknown;
}

function Thumbnail({ image, label }: { image: ProductImage; label: string }) {
  const { src, failed } = useImageSrc(image.product_id, image.thumbnail_url);
  if (failed) return <div className="grid aspect-square place-items-center rounded-md bg-muted text-xs text-muted-foreground">Not available</div>;
  if (!src) return <Skeleton className="aspect-square w-full rounded-md" />;
  return <img src={src} alt={image.alt_text || label} className="aspect-square w-full rounded-md object-cover" />;
}

function AltTextDialog({ image, open, onOpenChange }: { image: ProductImage; open: boolean; onOpenChange: (open: boolean) => void }) {
  const update = useUpdateProductImage();
  const [value, setValue] = useState(image.alt_text ?? "");
  const [error, setError] = useState<unknown>(null);
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const text = value.trim();
      await update.mutateAsync({ productId: image.product_id, imageId: image.id, body: { alt_text: text === "" ? null : text } });
      onOpenChange(false);
    } catch (caught) {
      setError(caught);
    }
  };
  const fields = fieldMessages(error);
  const onField = fields.alt_text;
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-md">
        <DialogHeader>
          <DialogTitle>Alt text</DialogTitle>
          <DialogDescription>Describes the picture for people who cannot see it (and for search engines).</DialogDescription>
        </DialogHeader>
        <form className="grid gap-4" onSubmit={(event) => void onSubmit(event)} noValidate>
          <Field label="Description of the image" error={onField} hint="Leave empty to clear it.">
            <Input value={value} maxLength={500} autoFocus onChange={(event) => setValue(event.target.value)} />
          </Field>
          {error && !onField ? <ErrorAlert error={error} /> : null}
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={update.isPending}>
              {update.isPending ? "Saving…" : "Save alt text"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function ImageTile({ image, index, count, canWrite, order }: { image: ProductImage; index: number; count: number; canWrite: boolean; order: string[] }) {
  const update = useUpdateProductImage();
  const reorder = useReorderProductImages();
  const remove = useDeleteProductImage();
  const [altOpen, setAltOpen] = useState(false);
  const label = `Image ${index + 1} of ${count}`;
  const busy = update.isPending || reorder.isPending;
  const move = (step: -1 | 1) =>
    reorder.mutate(
      { productId: image.product_id, imageIds: moved(order, index, step) },
      { onError: (error) => toast({ title: "The images were not moved", description: errorMessage(error), variant: "destructive" }) },
    );
  return (
    <li className="grid content-start gap-2" data-testid="gallery-image" data-image-id={image.id}>
      <div className={cn("relative rounded-md", image.is_primary && "ring-2 ring-primary ring-offset-2 ring-offset-background")}>
        <Thumbnail image={image} label={label} />
        {image.is_primary ? (
          <Badge className="absolute left-1 top-1" data-testid="primary-badge">
            Primary
          </Badge>
        ) : null}
      </div>
      <p className="truncate text-xs text-muted-foreground" title={image.original_filename ?? undefined}>
        {image.alt_text || image.original_filename || label}
      </p>
      {canWrite ? (
        <div className="flex flex-wrap gap-1">
          <Button size="icon" variant="outline" className="size-8" title="Move left" aria-label={`Move ${label.toLowerCase()} left`} disabled={index === 0 || busy} onClick={() => move(-1)}>
            <ArrowLeft />
          </Button>
          <Button size="icon" variant="outline" className="size-8" title="Move right" aria-label={`Move ${label.toLowerCase()} right`} disabled={index === count - 1 || busy} onClick={() => move(1)}>
            <ArrowRight />
          </Button>
          {!image.is_primary ? (
            <Button
              size="icon"
              variant="outline"
              className="size-8"
              title="Make primary"
              aria-label={`Make ${label.toLowerCase()} the primary image`}
              disabled={busy}
              onClick={() =>
                update.mutate(
                  { productId: image.product_id, imageId: image.id, body: { is_primary: true } },
                  { onError: (error) => toast({ title: "The primary image did not change", description: errorMessage(error), variant: "destructive" }) },
                )
              }
            >
              <Star />
            </Button>
          ) : null}
          <Button size="icon" variant="outline" className="size-8" title="Edit alt text" aria-label={`Edit the alt text of ${label.toLowerCase()}`} onClick={() => setAltOpen(true)}>
            <Type />
          </Button>
          <ConfirmDialog
            title={`Delete ${label.toLowerCase()}?`}
            description={
              image.is_primary && count > 1
                ? "It is the primary image: the next image becomes the primary one. This cannot be undone."
                : "The image and its thumbnail are removed. This cannot be undone."
            }
            confirmLabel="Delete image"
            onConfirm={() => remove.mutateAsync({ productId: image.product_id, imageId: image.id })}
            trigger={
              <Button size="icon" variant="outline" className="size-8" title="Delete" aria-label={`Delete ${label.toLowerCase()}`}>
                <Trash2 />
              </Button>
            }
          />
          {altOpen ? <AltTextDialog image={image} open={altOpen} onOpenChange={setAltOpen} /> : null}
        </div>
      ) : null}
    </li>
  );
}

function UploadRow({ upload, onRetry, onDismiss }: { upload: Upload; onRetry: () => void; onDismiss: () => void }) {
  const pct = Math.round(upload.progress * 100);
  return (
    <li className="grid gap-1 text-sm" data-testid="upload-row">
      <div className="flex items-center justify-between gap-2">
        <span className="truncate">{upload.file.name}</span>
        {upload.error ? (
          <span className="flex gap-1">
            {keepsKey(upload.error) ? (
              <Button size="sm" variant="outline" onClick={onRetry}>
                <RotateCcw />
                Retry
              </Button>
            ) : null}
            <Button size="icon" variant="ghost" aria-label={`Dismiss ${upload.file.name}`} onClick={onDismiss}>
              <X />
            </Button>
          </span>
        ) : (
          <span className="tabular-nums text-muted-foreground">{pct}%</span>
        )}
      </div>
      {upload.error ? (
        <p role="alert" className="text-destructive">
          {uploadErrorMessage(upload.error, upload.file.name)}
        </p>
      ) : (
        <div role="progressbar" aria-label={`Uploading ${upload.file.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} className="h-2 overflow-hidden rounded bg-muted">
          <div className="h-full bg-primary transition-[width]" style={{ width: `${pct}%` }} />
        </div>
      )}
    </li>
  );
}

function Uploader({ productId, room }: { productId: string; room: number }) {
  const upload = useUploadProductImage();
  const input = useRef<HTMLInputElement>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const nextId = useRef(1);

  const patch = (id: number, change: Partial<Upload>) => setUploads((all) => all.map((item) => (item.id === id ? { ...item, ...change } : item)));

  const send = async (item: Upload) => {
    patch(item.id, { progress: 0, error: null });
    try {
      await upload.mutateAsync({ productId, file: item.file, onProgress: (progress) => patch(item.id, { progress }) });
      setUploads((all) => all.filter((other) => other.id !== item.id));
    } catch (error) {
      patch(item.id, { error });
    }
  };

  const add = async (files: File[]) => {
    if (files.length === 0) return;
    const items: Upload[] = files.map((file) => ({ id: nextId.current++, file, progress: 0, error: null }));
    setUploads((all) => [...all, ...items]);
    // One at a time: the server keeps positions and the 20-image limit per product.
    for (const item of items) await send(item);
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void add(Array.from(event.dataTransfer.files));
  };

  return (
    <div className="grid gap-3">
      <div
        data-testid="drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={cn("flex flex-col items-center gap-2 rounded-md border border-dashed p-5 text-center text-sm", dragging && "border-primary bg-primary/5")}
      >
        <p className="text-muted-foreground">
          Drop JPEG, PNG or WebP images here (up to {MAX_IMAGE_MB} MB each; {room} more allowed), or
        </p>
        <Button type="button" variant="outline" onClick={() => input.current?.click()} disabled={room <= 0}>
          <ImagePlus />
          Choose images
        </Button>
        <input
          ref={input}
          type="file"
          accept={ACCEPTED_IMAGE_TYPES}
          multiple
          className="sr-only"
          tabIndex={-1}
          aria-label="Image files"
          data-testid="image-input"
          onChange={(event) => {
            const files = Array.from(event.target.files ?? []);
            event.target.value = "";
            void add(files);
          }}
        />
      </div>
      {uploads.length > 0 ? (
        <ul className="grid gap-2" aria-label="Uploads">
          {uploads.map((item) => (
            <UploadRow key={item.id} upload={item} onRetry={() => void send(item)} onDismiss={() => setUploads((all) => all.filter((other) => other.id !== item.id))} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function ProductGallery({ productId, canWrite }: { productId: string; canWrite: boolean }) {
  const images = useProductImages(productId);
  const items = images.data?.items ?? [];
  const order = items.map((image) => image.id);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Images</CardTitle>
        <CardDescription>
          {images.data ? `${items.length} of at most ${MAX_IMAGES}. ` : ""}The primary image is the one shown first.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {images.error ? (
          <ErrorAlert error={images.error} />
        ) : !images.data ? (
          <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
            <Skeleton className="aspect-square" />
            <Skeleton className="aspect-square" />
          </div>
        ) : items.length === 0 ? (
          <p className="text-sm text-muted-foreground">No images yet.{canWrite ? " Add a photo so the product is recognisable." : ""}</p>
        ) : (
          <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3" aria-label="Product images">
            {items.map((image, index) => (
              <ImageTile key={image.id} image={image} index={index} count={items.length} canWrite={canWrite} order={order} />
            ))}
          </ul>
        )}
        {canWrite && images.data ? <Uploader productId={productId} room={MAX_IMAGES - items.length} /> : null}
      </CardContent>
    </Card>
  );
}
