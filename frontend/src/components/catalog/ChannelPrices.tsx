/**
 * A product's price per sales channel with the channel's fee, the profit over the make cost and the margin;
 * a loss stands out. Members set or remove a price per channel.
 */
import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { marginTone, priceSchema } from "@/components/catalog/catalogForms";
import { toNumberOrNull } from "@/components/spools/numbers";
import { ErrorAlert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useCurrency } from "@/hooks/useCurrency";
import { formatMoney } from "@/lib/format";
import { applyApiErrors } from "@/lib/forms";
import { toast } from "@/lib/toast";
import { cn } from "@/lib/utils";
import { useRemoveChannelPrice, useSalesChannels, useSetChannelPrice, type Product, type SalesChannel } from "@/queries/catalog";

function PriceForm({ product, channel, current, onDone }: { product: Product; channel: SalesChannel; current: number | undefined; onDone: () => void }) {
  const currency = useCurrency();
  const setPrice = useSetChannelPrice();
  const form = useForm<{ price: string }>({
    resolver: zodResolver(priceSchema),
    defaultValues: { price: current === undefined ? String(product.suggested_price) : String(current) },
  });
  const onSubmit = form.handleSubmit(async (values) => {
    try {
      const saved = await setPrice.mutateAsync({ id: product.id, channelId: channel.id, price: toNumberOrNull(values.price) ?? 0 });
      const result = saved.channels.find((row) => row.sales_channel_id === channel.id);
      toast({ title: `Price on ${channel.name} saved`, description: result ? `Margin ${result.margin_pct}%` : undefined });
      onDone();
    } catch (error) {
      applyApiErrors(error, form.setError, ["price"]);
    }
  });
  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <Field
        label="Price"
        error={form.formState.errors.price?.message}
        hint={`Suggested: ${formatMoney(product.suggested_price, currency)} (make cost × the shop's multiplier). Fee: ${channel.fee_pct}% + ${formatMoney(channel.fixed_fee, currency)}.`}
      >
        <Input inputMode="decimal" autoComplete="off" autoFocus {...form.register("price")} />
      </Field>
      <FormActions formState={form.formState} submitLabel="Save price" pendingLabel="Saving…" onCancel={onDone} />
    </form>
  );
}

export function ChannelPrices({ product, currency, canWrite }: { product: Product; currency: string; canWrite: boolean }) {
  const channels = useSalesChannels();
  const remove = useRemoveChannelPrice();
  const [editing, setEditing] = useState<SalesChannel | null>(null);
  const prices = new Map(product.channels.map((row) => [row.sales_channel_id, row]));
  const rows = (channels.data?.items ?? []).filter((channel) => channel.is_active || prices.has(channel.id));

  return (
    <Card>
      <CardHeader>
        <CardTitle>Prices by channel</CardTitle>
        <CardDescription>Profit is the price less the channel's fee and the make cost ({formatMoney(product.make_cost, currency)}).</CardDescription>
      </CardHeader>
      <CardContent>
        {channels.error ? (
          <ErrorAlert error={channels.error} />
        ) : !channels.data ? null : rows.length === 0 ? (
          <p className="text-sm text-muted-foreground">No sales channels yet. An admin adds them under Sales channels.</p>
        ) : (
          <Table aria-label="Prices by channel">
            <TableHeader>
              <TableRow>
                <TableHead>Channel</TableHead>
                <TableHead className="text-right">Price</TableHead>
                <TableHead className="hidden text-right sm:table-cell">Fee</TableHead>
                <TableHead className="text-right">Profit</TableHead>
                <TableHead className="text-right">Margin</TableHead>
                {canWrite ? <TableHead className="sr-only">Actions</TableHead> : null}
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((channel) => {
                const row = prices.get(channel.id);
                const tone = row ? marginTone(row.margin_pct) : "ok";
                return (
                  <TableRow key={channel.id} data-testid="channel-row">
                    <TableCell>
                      <span className="font-medium">{channel.name}</span>
                      {channel.platform ? <span className="ml-1 hidden text-xs text-muted-foreground sm:inline">{channel.platform}</span> : null}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{row ? formatMoney(row.price, currency) : "—"}</TableCell>
                    <TableCell className="hidden text-right tabular-nums sm:table-cell">{row ? formatMoney(row.fee, currency) : "—"}</TableCell>
                    <TableCell className={cn("text-right tabular-nums", tone === "loss" && "font-semibold text-destructive")}>
                      {row ? formatMoney(row.profit, currency) : "—"}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      {row ? (
                        tone === "loss" ? (
                          <Badge variant="destructive">Loss {row.margin_pct}%</Badge>
                        ) : tone === "thin" ? (
                          <Badge variant="warning">{row.margin_pct}%</Badge>
                        ) : (
                          `${row.margin_pct}%`
                        )
                      ) : (
                        "—"
                      )}
                    </TableCell>
                    {canWrite ? (
                      <TableCell className="text-right whitespace-nowrap">
                        <Button variant="outline" size="sm" onClick={() => setEditing(channel)} aria-label={`${row ? "Change" : "Set"} price on ${channel.name}`}>
                          {row ? "Change" : "Set price"}
                        </Button>
                        {row ? (
                          <ConfirmDialog
                            title={`Remove the price on ${channel.name}?`}
                            description="The product is then not offered on this channel."
                            confirmLabel="Remove price"
                            onConfirm={() => remove.mutateAsync({ id: product.id, channelId: channel.id })}
                            trigger={
                              <Button variant="ghost" size="sm" aria-label={`Remove price on ${channel.name}`}>
                                Remove
                              </Button>
                            }
                          />
                        ) : null}
                      </TableCell>
                    ) : null}
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </CardContent>
      <Dialog open={editing !== null} onOpenChange={(open) => !open && setEditing(null)}>
        <DialogContent className="max-w-md">
          <DialogHeader>
            <DialogTitle>Price on {editing?.name}</DialogTitle>
            <DialogDescription>
              {product.sku} {product.name}
            </DialogDescription>
          </DialogHeader>
          {editing ? <PriceForm product={product} channel={editing} current={prices.get(editing.id)?.price} onDone={() => setEditing(null)} /> : null}
        </DialogContent>
      </Dialog>
    </Card>
  );
}
