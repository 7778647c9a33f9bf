/**
 * /production-runs/new: the new-run wizard. 1. the printer; 2. what goes on the bed (model × quantity);
 * 3. the filament, proposed from the models' BOMs and the spools loaded in the printer (GET
 * /production/defaults), each line with its spool's current, reserved and available grams. A plan that
 * takes more than a spool has is refused by the API (409 INSUFFICIENT_STOCK, shown on that spool's line)
 * until "allow insufficient stock" is ticked explicitly.
 */
import { AlertTriangle, Plus, Trash2 } from "lucide-react";
import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { BackLink } from "@/components/catalog/DetailParts";
import { PageHeader } from "@/components/layout/PageHeader";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import { useAuth } from "@/hooks/useAuth";
import { ApiError, errorMessage } from "@/lib/errors";
import { formatGrams } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useModels } from "@/queries/catalog";
import { fetchRunDefaults, shortSpoolCode, useCreateRun, usePrinters, type RunCreate, type SpoolStock } from "@/queries/production";

interface ItemDraft {
  modelId: string;
  quantity: string;
}

export interface MaterialDraft {
  filamentTypeId: string;
  /** Grams of this filament type the bed needs by the BOMs. */
  bomGrams: number;
  candidates: SpoolStock[];
  spoolId: string;
  grams: string;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** The grams a line asks beyond what its spool has available (0 when it fits). */
export function lineShortfall(line: MaterialDraft): number {
  const spool = line.candidates.find((candidate) => candidate.id === line.spoolId);
  const grams = Number(line.grams);
  if (!spool || !Number.isFinite(grams)) return 0;
  return Math.max(0, round2(grams - Math.max(spool.available, 0)));
}

function spoolLabel(spool: SpoolStock, printerId: string): string {
  const where = spool.printer_id ? (spool.printer_id === printerId ? ` (loaded, slot ${spool.slot ?? "?"})` : " (in another printer)") : "";
  return `${spool.code} · ${spool.brand} ${spool.color_name} ${spool.material_code}${where}`;
}

function Step({ n, title, description, children }: { n: number; title: string; description: string; children: React.ReactNode }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <span className="mr-2 text-muted-foreground">{n}.</span>
          {title}
        </CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">{children}</CardContent>
    </Card>
  );
}

export default function NewRunPage() {
  const { can } = useAuth();
  const navigate = useNavigate();
  const printers = usePrinters({ active: true });
  const models = useModels({ limit: 200, offset: 0, sort: "sku", active: true });
  const create = useCreateRun();

  const [step, setStep] = useState(1);
  const [printerId, setPrinterId] = useState("");
  const [items, setItems] = useState<ItemDraft[]>([{ modelId: "", quantity: "1" }]);
  const [itemErrors, setItemErrors] = useState<Record<number, string>>({});
  const [materials, setMaterials] = useState<MaterialDraft[]>([]);
  const [lineErrors, setLineErrors] = useState<Record<string, string>>({});
  const [notes, setNotes] = useState("");
  const [allowInsufficient, setAllowInsufficient] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);
  const [proposing, setProposing] = useState(false);
  const [rootError, setRootError] = useState<string | null>(null);

  if (!can("member")) {
    return (
      <>
        <BackLink to="/production-runs" label="Production runs" />
        <PageHeader title="Plan a run" />
        <Alert>Your role in this shop can see runs but not plan them.</Alert>
      </>
    );
  }

  const printerName = printers.data?.items.find((printer) => printer.id === printerId)?.name;
  const modelLabel = new Map((models.data?.items ?? []).map((model) => [model.id, `${model.sku} · ${model.name}`]));

  const checkItems = (): boolean => {
    const errors: Record<number, string> = {};
    items.forEach((item, index) => {
      if (!item.modelId) errors[index] = "Choose a model";
      else if (!/^\d+$/.test(item.quantity.trim()) || Number(item.quantity) < 1 || Number(item.quantity) > 10_000) errors[index] = "A whole number of items from 1";
    });
    setItemErrors(errors);
    return Object.keys(errors).length === 0;
  };

  const propose = async () => {
    if (!checkItems()) return;
    setProposing(true);
    setRootError(null);
    try {
      const answers = await Promise.all(items.map((item) => fetchRunDefaults(item.modelId, Number(item.quantity), printerId || undefined)));
      const byType = new Map<string, MaterialDraft>();
      for (const answer of answers) {
        for (const line of answer.materials) {
          const known = byType.get(line.filament_type_id);
          if (known) {
            known.bomGrams = round2(known.bomGrams + line.grams_total);
            for (const candidate of line.candidates) if (!known.candidates.some((c) => c.id === candidate.id)) known.candidates.push(candidate);
          } else {
            byType.set(line.filament_type_id, { filamentTypeId: line.filament_type_id, bomGrams: round2(line.grams_total), candidates: [...line.candidates], spoolId: line.candidates[0]?.id ?? "", grams: "" });
          }
        }
      }
      setMaterials([...byType.values()].map((line) => ({ ...line, grams: String(line.bomGrams) })));
      setLineErrors({});
      setRefused(null);
      setStep(3);
    } catch (error) {
      setRootError(errorMessage(error));
    } finally {
      setProposing(false);
    }
  };

  const updateLine = (index: number, changes: Partial<MaterialDraft>) => {
    setMaterials((lines) => lines.map((line, i) => (i === index ? { ...line, ...changes } : line)));
    setLineErrors({});
  };

  const submit = async () => {
    setRootError(null);
    const errors: Record<string, string> = {};
    materials.forEach((line) => {
      if (!line.spoolId) errors[line.filamentTypeId] = "No spool of this filament: add or load one first";
      else if (!(Number(line.grams) >= 0) || line.grams.trim() === "") errors[line.filamentTypeId] = "Enter the grams planned";
    });
    setLineErrors(errors);
    if (Object.keys(errors).length > 0) return;
    const body: RunCreate = {
      printer_id: printerId || null,
      items: items.map((item) => ({ model_id: item.modelId, quantity: Number(item.quantity) })),
      materials: materials.map((line) => ({ spool_id: line.spoolId, estimated_model_grams: Number(line.grams), estimated_flush_grams: 0, estimated_tower_grams: 0 })),
      allow_insufficient: allowInsufficient,
      notes: notes.trim() === "" ? null : notes.trim(),
    };
    try {
      const run = await create.mutateAsync(body);
      toast({ title: `${run.run_number} planned`, description: "Its filament is reserved on the spools." });
      navigate(`/production-runs/${run.id}`);
    } catch (error) {
      if (error instanceof ApiError && error.code === "INSUFFICIENT_STOCK") {
        const code = shortSpoolCode(error.message);
        const line = materials.find((m) => m.candidates.find((c) => c.id === m.spoolId)?.code === code);
        if (line) setLineErrors({ [line.filamentTypeId]: error.message });
        setRefused(error.message);
        return;
      }
      if (error instanceof ApiError && error.fieldErrors.length > 0) {
        const byLine: Record<string, string> = {};
        const byItem: Record<number, string> = {};
        for (const fieldError of error.fieldErrors) {
          const [, where, index] = fieldError.loc;
          if (where === "materials" && typeof index === "number" && materials[index]) byLine[materials[index].filamentTypeId] = fieldError.msg;
          else if (where === "items" && typeof index === "number") byItem[index] = fieldError.msg;
        }
        setLineErrors(byLine);
        setItemErrors(byItem);
        if (Object.keys(byItem).length > 0) setStep(2);
        if (Object.keys(byLine).length + Object.keys(byItem).length > 0) return;
      }
      setRootError(errorMessage(error));
    }
  };

  return (
    <>
      <BackLink to="/production-runs" label="Production runs" />
      <PageHeader title="Plan a run" description="Reserve the filament of one print bed on its spools." />
      <div className="grid max-w-4xl gap-4">
        <Step n={1} title="Printer" description="Its loaded spools are proposed first.">
          {step === 1 ? (
            <>
              <Field label="Printer" hint={printers.data?.items.length === 0 ? "No printers yet: add one on the Printers page." : undefined}>
                <NativeSelect value={printerId} onChange={(event) => setPrinterId(event.target.value)}>
                  <option value="">No printer</option>
                  {(printers.data?.items ?? []).map((printer) => (
                    <option key={printer.id} value={printer.id}>
                      {printer.name} ({printer.loaded_spools.length} spool{printer.loaded_spools.length === 1 ? "" : "s"} loaded)
                    </option>
                  ))}
                </NativeSelect>
              </Field>
              <div>
                <Button onClick={() => setStep(2)}>Next: items</Button>
              </div>
            </>
          ) : (
            <p className="flex items-center justify-between gap-2 text-sm">
              <span>{printerName ?? "No printer"}</span>
              <Button variant="outline" size="sm" onClick={() => setStep(1)}>
                Change printer
              </Button>
            </p>
          )}
        </Step>

        {step >= 2 ? (
          <Step n={2} title="Items" description="What goes on the bed: each model and how many.">
            {step === 2 ? (
              <>
                {items.map((item, index) => (
                  <div key={index} className="grid items-start gap-2 sm:grid-cols-[1fr_8rem_auto]">
                    <Field label={`Model ${index + 1}`} error={itemErrors[index]}>
                      <NativeSelect
                        value={item.modelId}
                        onChange={(event) => setItems((all) => all.map((it, i) => (i === index ? { ...it, modelId: event.target.value } : it)))}
                      >
                        <option value="">Choose a model</option>
                        {(models.data?.items ?? []).map((model) => (
                          <option key={model.id} value={model.id}>
                            {model.sku} · {model.name}
                          </option>
                        ))}
                      </NativeSelect>
                    </Field>
                    <Field label={`Quantity ${index + 1}`}>
                      <Input
                        inputMode="numeric"
                        autoComplete="off"
                        value={item.quantity}
                        onChange={(event) => setItems((all) => all.map((it, i) => (i === index ? { ...it, quantity: event.target.value } : it)))}
                      />
                    </Field>
                    <Button
                      variant="ghost"
                      size="icon"
                      className="mt-6"
                      aria-label={`Remove item ${index + 1}`}
                      disabled={items.length === 1}
                      onClick={() => setItems((all) => all.filter((_, i) => i !== index))}
                    >
                      <Trash2 />
                    </Button>
                  </div>
                ))}
                <div className="flex flex-wrap gap-2">
                  <Button variant="outline" onClick={() => setItems((all) => [...all, { modelId: "", quantity: "1" }])}>
                    <Plus />
                    Add item
                  </Button>
                  <Button disabled={proposing} onClick={() => void propose()}>
                    {proposing ? "Proposing…" : "Next: materials"}
                  </Button>
                </div>
              </>
            ) : (
              <div className="flex items-start justify-between gap-2 text-sm">
                <ul>
                  {items.map((item, index) => (
                    <li key={index}>
                      {item.quantity} × {modelLabel.get(item.modelId) ?? "model"}
                    </li>
                  ))}
                </ul>
                <Button variant="outline" size="sm" onClick={() => setStep(2)}>
                  Change items
                </Button>
              </div>
            )}
          </Step>
        ) : null}

        {step === 3 ? (
          <Step n={3} title="Materials" description="Proposed from the BOMs: grams to reserve on each spool.">
            {materials.length === 0 ? <p className="text-sm text-muted-foreground">These models have no filament in their BOM.</p> : null}
            {materials.map((line, index) => {
              const spool = line.candidates.find((candidate) => candidate.id === line.spoolId);
              const short = lineShortfall(line);
              const typeName = spool ? `${spool.brand} ${spool.color_name} ${spool.material_code}` : (line.candidates[0] ? `${line.candidates[0].brand} ${line.candidates[0].color_name}` : "Filament");
              return (
                <fieldset key={line.filamentTypeId} className="grid gap-2 rounded-md border p-3" data-testid="material-line">
                  <legend className="px-1 text-sm font-medium">
                    {typeName} — BOM {formatGrams(line.bomGrams)}
                  </legend>
                  <div className="grid gap-2 sm:grid-cols-[1fr_10rem]">
                    <Field label={`Spool ${index + 1}`} error={lineErrors[line.filamentTypeId]}>
                      <NativeSelect value={line.spoolId} onChange={(event) => updateLine(index, { spoolId: event.target.value })}>
                        {line.candidates.length === 0 ? <option value="">No spool of this filament</option> : null}
                        {line.candidates.map((candidate) => (
                          <option key={candidate.id} value={candidate.id}>
                            {spoolLabel(candidate, printerId)}
                          </option>
                        ))}
                      </NativeSelect>
                    </Field>
                    <Field label={`Grams ${index + 1}`}>
                      <Input inputMode="decimal" autoComplete="off" value={line.grams} onChange={(event) => updateLine(index, { grams: event.target.value })} />
                    </Field>
                  </div>
                  {spool ? (
                    <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm" data-testid="spool-stock">
                      <div>
                        <dt className="inline text-muted-foreground">Current </dt>
                        <dd className="inline tabular-nums">{formatGrams(spool.current)}</dd>
                      </div>
                      <div>
                        <dt className="inline text-muted-foreground">Reserved </dt>
                        <dd className="inline tabular-nums">{formatGrams(spool.reserved)}</dd>
                      </div>
                      <div>
                        <dt className="inline text-muted-foreground">Available </dt>
                        <dd className="inline tabular-nums">{formatGrams(spool.available)}</dd>
                      </div>
                    </dl>
                  ) : null}
                  {short > 0 ? (
                    <p className="flex items-center gap-1 text-sm font-medium text-destructive" data-testid="shortfall">
                      <AlertTriangle className="size-4" aria-hidden />
                      Short by {formatGrams(short)}: {spool?.code} has {formatGrams(Math.max(spool?.available ?? 0, 0))} available.
                    </p>
                  ) : null}
                </fieldset>
              );
            })}
            <Field label="Notes">
              <Textarea rows={2} value={notes} onChange={(event) => setNotes(event.target.value)} />
            </Field>
            {refused || materials.some((line) => lineShortfall(line) > 0) ? (
              <Alert className="grid gap-2 border-warning">
                <p>
                  {refused ? "The plan was refused: a spool is short (see its line)." : "A spool does not have enough filament available for this plan."} Load or choose another spool,
                  lower the grams, or plan it anyway.
                </p>
                <label className="flex items-center gap-2 font-medium">
                  <input type="checkbox" className="size-4 accent-primary" checked={allowInsufficient} onChange={(event) => setAllowInsufficient(event.target.checked)} />
                  Allow insufficient stock (plan it anyway)
                </label>
              </Alert>
            ) : null}
            <div>
              <Button disabled={create.isPending} onClick={() => void submit()}>
                {create.isPending ? "Planning…" : "Plan run"}
              </Button>
            </div>
          </Step>
        ) : null}
        {rootError ? <Alert variant="destructive">{rootError}</Alert> : null}
      </div>
    </>
  );
}
