import { zodResolver } from "@hookform/resolvers/zod";
import { Controller, useForm } from "react-hook-form";
import { z } from "zod";
import { groupEventTypes, shortEventName } from "@/components/webhooks/eventGroups";
import { Checkbox } from "@/components/ui/checkbox";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { ApiError } from "@/lib/errors";
import { applyApiErrors, blankToNull } from "@/lib/forms";
import { useWebhookEventTypes, type WebhookEndpointInput } from "@/queries/webhooks";

const schema = z.object({
  url: z
    .string()
    .trim()
    .min(1, "Where should Batchivo send the events?")
    .max(2048, "At most 2,048 characters")
    .refine((value) => /^https?:\/\/[^\s/]+/i.test(value), "A full URL, e.g. https://shop.example/hooks/batchivo"),
  description: z.string().max(500, "At most 500 characters"),
  event_types: z.array(z.string()).min(1, "Choose at least one event"),
});
export type EndpointValues = z.infer<typeof schema>;

interface EndpointFormProps {
  defaultValues: EndpointValues;
  submitLabel: string;
  pendingLabel: string;
  onSave: (values: Pick<WebhookEndpointInput, "url" | "description" | "event_types">) => Promise<unknown>;
  onCancel: () => void;
}

/** URL, description and the events to send, grouped by service with a "whole group" box each. */
export function EndpointForm({ defaultValues, submitLabel, pendingLabel, onSave, onCancel }: EndpointFormProps) {
  const eventTypes = useWebhookEventTypes();
  const form = useForm<EndpointValues>({ resolver: zodResolver(schema), defaultValues });
  const { errors } = form.formState;
  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await onSave({ url: values.url.trim(), description: blankToNull(values.description), event_types: values.event_types });
    } catch (error) {
      // A refused address (private, loopback, not https…) is about the URL: say so next to it.
      if (error instanceof ApiError && error.status === 422 && error.fieldErrors.length === 0 && /URL/.test(error.code)) {
        form.setError("url", { type: "server", message: error.message });
      } else {
        applyApiErrors(error, form.setError, ["url", "description", "event_types"]);
      }
    }
  });

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <Field label="URL" error={errors.url?.message} hint="HTTPS, reachable from the internet. Batchivo refuses private and local addresses.">
        <Input type="url" inputMode="url" autoComplete="off" autoFocus placeholder="https://" {...form.register("url")} />
      </Field>
      <Field label="Description" error={errors.description?.message} hint="Optional, e.g. “ERP stock sync”">
        <Input autoComplete="off" {...form.register("description")} />
      </Field>
      <fieldset className="grid gap-2" aria-describedby="event-types-message">
        <legend className="mb-1 text-sm font-medium">Events to send</legend>
        {eventTypes.data ? (
          <Controller
            control={form.control}
            name="event_types"
            render={({ field }) => {
              const chosen = new Set(field.value);
              const set = (types: string[], on: boolean) => {
                const next = new Set(chosen);
                for (const type of types) {
                  if (on) next.add(type);
                  else next.delete(type);
                }
                // Keep the catalogue's order, so the request (and the endpoint) lists them the same way each time.
                field.onChange(eventTypes.data.map((t) => t.type).filter((type) => next.has(type)));
              };
              return (
                <div className="grid max-h-72 gap-3 overflow-y-auto rounded-md border p-3">
                  {groupEventTypes(eventTypes.data).map((group) => {
                    const types = group.types.map((t) => t.type);
                    const count = types.filter((type) => chosen.has(type)).length;
                    const groupId = `event-group-${group.label}`;
                    return (
                      <div key={group.label} className="grid gap-1.5">
                        <div className="flex items-center gap-2">
                          <Checkbox
                            id={groupId}
                            checked={count === types.length ? true : count > 0 ? "indeterminate" : false}
                            onCheckedChange={(on) => set(types, on === true)}
                          />
                          <Label htmlFor={groupId} className="font-semibold">
                            {group.label} <span className="font-normal text-muted-foreground">({count}/{types.length})</span>
                          </Label>
                        </div>
                        <div className="grid gap-1.5 pl-6 sm:grid-cols-2">
                          {group.types.map((eventType) => {
                            const id = `event-${eventType.type}`;
                            return (
                              <div key={eventType.type} className="flex items-start gap-2">
                                <Checkbox
                                  id={id}
                                  className="mt-0.5"
                                  checked={chosen.has(eventType.type)}
                                  onCheckedChange={(on) => set([eventType.type], on === true)}
                                />
                                <Label htmlFor={id} className="font-normal leading-snug" title={eventType.description}>
                                  {shortEventName(eventType.type)}
                                  <span className="block text-xs text-muted-foreground">{eventType.type}</span>
                                </Label>
                              </div>
                            );
                          })}
                        </div>
                      </div>
                    );
                  })}
                </div>
              );
            }}
          />
        ) : (
          <Skeleton className="h-40" />
        )}
        {errors.event_types ? (
          <p id="event-types-message" role="alert" className="text-xs font-medium text-destructive">
            {errors.event_types.message}
          </p>
        ) : null}
      </fieldset>
      <FormActions formState={form.formState} submitLabel={submitLabel} pendingLabel={pendingLabel} onCancel={onCancel} />
    </form>
  );
}
