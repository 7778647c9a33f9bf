/** /sales-channels (admins): where the shop sells, with each channel's fees. */
import { zodResolver } from "@hookform/resolvers/zod";
import { Pencil, Plus, Trash2 } from "lucide-react";
import { useState, type ReactNode } from "react";
import {
  CHANNEL_FIELDS,
  channelSchema,
  channelToValues,
  channelValuesToBody,
  EMPTY_CHANNEL,
  type ChannelValues,
} from "@/components/catalog/catalogForms";
import { PageHeader } from "@/components/layout/PageHeader";
import { ErrorAlert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { TableSkeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useCurrency } from "@/hooks/useCurrency";
import { formatMoney } from "@/lib/format";
import { useSaveForm } from "@/lib/forms";
import { toast } from "@/lib/toast";
import { useCreateSalesChannel, useDeleteSalesChannel, useSalesChannels, useUpdateSalesChannel, type SalesChannel } from "@/queries/catalog";

function ChannelForm({ channel, onDone }: { channel?: SalesChannel | undefined; onDone: () => void }) {
  const create = useCreateSalesChannel();
  const update = useUpdateSalesChannel();
  const { form, onSubmit } = useSaveForm<ChannelValues>({
    resolver: zodResolver(channelSchema),
    defaultValues: channel ? channelToValues(channel) : EMPTY_CHANNEL,
    fields: CHANNEL_FIELDS,
    onSave: async (values) => {
      const body = channelValuesToBody(values);
      const saved = channel ? await update.mutateAsync({ id: channel.id, body }) : await create.mutateAsync(body);
      toast({ title: channel ? "Channel saved" : "Channel added", description: saved.name });
      onDone();
    },
  });
  const { errors } = form.formState;
  return (
    <form className="grid items-start gap-4 sm:grid-cols-2" onSubmit={onSubmit} noValidate>
      <Field label="Name" error={errors.name?.message}>
        <Input autoComplete="off" {...form.register("name")} />
      </Field>
      <Field label="Platform" error={errors.platform?.message} hint="Optional, e.g. etsy, shopify, market stall">
        <Input autoComplete="off" {...form.register("platform")} />
      </Field>
      <Field label="Fee (%)" error={errors.fee_pct?.message} hint="Of the price, per sale.">
        <Input inputMode="decimal" {...form.register("fee_pct")} />
      </Field>
      <Field label="Fixed fee" error={errors.fixed_fee?.message} hint="Per sale.">
        <Input inputMode="decimal" {...form.register("fixed_fee")} />
      </Field>
      <Field label="Monthly cost" error={errors.monthly_cost?.message}>
        <Input inputMode="decimal" {...form.register("monthly_cost")} />
      </Field>
      <label className="flex items-center gap-2 self-center pt-4 text-sm">
        <input type="checkbox" className="size-4 accent-primary" {...form.register("is_active")} />
        Active
      </label>
      <FormActions formState={form.formState} submitLabel="Save" pendingLabel="Saving…" onCancel={onDone} twoColumns />
    </form>
  );
}

function ChannelDialog({ channel, trigger }: { channel?: SalesChannel; trigger: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className="max-w-xl">
        <DialogHeader>
          <DialogTitle>{channel ? `Edit ${channel.name}` : "Add sales channel"}</DialogTitle>
          <DialogDescription>Its fees set the profit and margin of every product priced on it.</DialogDescription>
        </DialogHeader>
        {open ? <ChannelForm channel={channel} onDone={() => setOpen(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}

export default function SalesChannelsPage() {
  const currency = useCurrency();
  const channels = useSalesChannels();
  const remove = useDeleteSalesChannel();
  const addButton = (
    <ChannelDialog
      trigger={
        <Button>
          <Plus />
          Add channel
        </Button>
      }
    />
  );
  return (
    <>
      <PageHeader title="Sales channels" description="Where you sell, and what each sale costs you there." actions={addButton} />
      {channels.error ? (
        <ErrorAlert error={channels.error} />
      ) : !channels.data ? (
        <TableSkeleton rows={3} />
      ) : channels.data.items.length === 0 ? (
        <EmptyState title="No sales channels yet" action={addButton}>
          Add each place you sell (a web shop, a marketplace, a market stall) with its fees, then price products on it.
        </EmptyState>
      ) : (
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Name</TableHead>
              <TableHead className="hidden sm:table-cell">Platform</TableHead>
              <TableHead className="text-right">Fee</TableHead>
              <TableHead className="text-right">Fixed fee</TableHead>
              <TableHead className="hidden text-right sm:table-cell">Monthly</TableHead>
              <TableHead className="sr-only">Actions</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {channels.data.items.map((channel) => (
              <TableRow key={channel.id}>
                <TableCell>
                  <span className="flex flex-wrap items-center gap-2 font-medium">
                    {channel.name}
                    {!channel.is_active ? <Badge variant="outline">Inactive</Badge> : null}
                  </span>
                </TableCell>
                <TableCell className="hidden text-muted-foreground sm:table-cell">{channel.platform ?? "—"}</TableCell>
                <TableCell className="text-right tabular-nums">{channel.fee_pct}%</TableCell>
                <TableCell className="text-right tabular-nums">{formatMoney(channel.fixed_fee, currency)}</TableCell>
                <TableCell className="hidden text-right tabular-nums sm:table-cell">{formatMoney(channel.monthly_cost, currency)}</TableCell>
                <TableCell className="text-right whitespace-nowrap">
                  <ChannelDialog
                    channel={channel}
                    trigger={
                      <Button variant="ghost" size="icon" aria-label={`Edit ${channel.name}`}>
                        <Pencil />
                      </Button>
                    }
                  />
                  <ConfirmDialog
                    title={`Delete ${channel.name}?`}
                    description="Its prices on every product go with it."
                    confirmLabel="Delete channel"
                    onConfirm={() => remove.mutateAsync(channel.id)}
                    trigger={
                      <Button variant="ghost" size="icon" aria-label={`Delete ${channel.name}`}>
                        <Trash2 />
                      </Button>
                    }
                  />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}
