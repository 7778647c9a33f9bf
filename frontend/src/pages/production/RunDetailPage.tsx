/**
 * /production-runs/:runId — one run: its items and filament lines with the weighing, the actions its status
 * allows (start, complete, fail, cancel; revert for admins), the inventory deduction (pending → applied or
 * discrepancy, followed live) and the variance of every line and of the run.
 */
import { Scale } from "lucide-react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { BackLink, DetailFallback, Fact } from "@/components/catalog/DetailParts";
import { isUuid } from "@/lib/ids";
import { PageHeader } from "@/components/layout/PageHeader";
import { CancelDialog, CompleteDialog, FailDialog, WeighDialog } from "@/components/production/RunDialogs";
import { DeductionBadge, RunStatusBadge, Variance } from "@/components/production/RunParts";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useAuth } from "@/hooks/useAuth";
import { useCurrency } from "@/hooks/useCurrency";
import { formatCostPerKg, formatDate, formatDateTime, formatGrams, formatMoney, formatPercent } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useDeleteRun, usePrinters, useRevertRun, useRun, useStartRun, type Run } from "@/queries/production";

function Actions({ run }: { run: Run }) {
  const { can } = useAuth();
  const navigate = useNavigate();
  const start = useStartRun();
  const revert = useRevertRun();
  const remove = useDeleteRun();
  if (!can("member")) return null;
  const live = run.status === "planned" || run.status === "in_progress";
  return (
    <>
      {run.status === "planned" ? (
        <Button
          disabled={start.isPending}
          onClick={() =>
            start.mutate(run.id, {
              onSuccess: () => toast({ title: `${run.run_number} started` }),
              onError: (error) => toast({ title: "Not started", description: error.message, variant: "destructive" }),
            })
          }
        >
          {start.isPending ? "Starting…" : "Start run"}
        </Button>
      ) : null}
      {run.status === "in_progress" ? <CompleteDialog run={run} trigger={<Button>Complete…</Button>} /> : null}
      {run.status === "in_progress" ? <FailDialog run={run} trigger={<Button variant="outline">Fail…</Button>} /> : null}
      {live ? <CancelDialog run={run} trigger={<Button variant="outline">Cancel run…</Button>} /> : null}
      {run.status === "completed" && can("admin") ? (
        <ConfirmDialog
          title={`Revert ${run.run_number}?`}
          description="The filament goes back on its spools and the units come out of finished stock; the run is in progress again."
          confirmLabel="Revert run"
          onConfirm={async () => {
            await revert.mutateAsync(run.id);
            toast({ title: `${run.run_number} reverted`, description: "It is in progress again." });
          }}
          trigger={<Button variant="outline">Revert…</Button>}
        />
      ) : null}
      {can("admin") && run.status !== "completed" ? (
        <ConfirmDialog
          title={`Delete ${run.run_number}?`}
          description="The run and its reservations are removed. Its number is not reused."
          confirmLabel="Delete run"
          onConfirm={async () => {
            await remove.mutateAsync(run.id);
            toast({ title: `${run.run_number} deleted` });
            navigate("/production-runs");
          }}
          trigger={<Button variant="ghost">Delete</Button>}
        />
      ) : null}
    </>
  );
}

function RunView({ run }: { run: Run }) {
  const { can } = useAuth();
  const currency = useCurrency();
  const printers = usePrinters();
  const printer = printers.data?.items.find((item) => item.id === run.printer_id);
  const weighable = can("member") && (run.status === "planned" || run.status === "in_progress");
  const discrepancies = run.deduction.spools.filter((spool) => spool.discrepancy_grams !== 0);
  return (
    <>
      <BackLink to="/production-runs" label="Production runs" />
      <PageHeader
        title={run.run_number}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <span data-testid="run-status">
              <RunStatusBadge status={run.status} />
            </span>
            <DeductionBadge status={run.deduction.status} />
            <span>
              {formatDate(run.run_date)} · {printer?.name ?? (run.printer_id ? "Printer" : "No printer")}
            </span>
          </span>
        }
        actions={<Actions run={run} />}
      />
      {run.failure_reason ? <Alert className="mb-4">Failed: {run.failure_reason}</Alert> : null}
      {run.deduction.status === "discrepancy" ? (
        <Alert variant="destructive" className="mb-4">
          Inventory booked a different amount than this run used:{" "}
          {discrepancies.map((spool) => `${run.materials.find((m) => m.spool_id === spool.spool_id)?.spool_code ?? "a spool"} ${formatGrams(spool.discrepancy_grams)}`).join(", ")}.
        </Alert>
      ) : null}
      <Card className="mb-4">
        <CardContent className="pt-4">
          <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
            <Fact term="Planned filament">
              <span className="tabular-nums">{formatGrams(run.estimated_grams)}</span>
            </Fact>
            <Fact term="Used">
              <span className="tabular-nums" data-testid="run-actual">
                {formatGrams(run.actual_grams)}
              </span>
            </Fact>
            <Fact term="Variance">
              <span data-testid="run-variance">
                <Variance grams={run.variance_grams} pct={run.variance_pct} />
              </span>
            </Fact>
            <Fact term="Success rate">{formatPercent(run.success_rate)}</Fact>
            <Fact term="Cost per kg used">{formatCostPerKg(run.cost_per_gram_actual, currency)}</Fact>
            <Fact term="Print time">
              {run.duration_hours == null ? "—" : `${run.duration_hours} h`}
              {run.time_variance_hours != null ? (
                <span className="ml-1 text-muted-foreground">
                  ({run.time_variance_hours > 0 ? "+" : ""}
                  {run.time_variance_hours} h vs estimate)
                </span>
              ) : null}
            </Fact>
            <Fact term="Started">{formatDateTime(run.started_at)}</Fact>
            <Fact term="Finished">{formatDateTime(run.completed_at)}</Fact>
          </dl>
          {run.notes ? <p className="mt-4 whitespace-pre-line text-sm">{run.notes}</p> : null}
        </CardContent>
      </Card>
      <Card className="mb-4">
        <CardHeader>
          <CardTitle>Items</CardTitle>
        </CardHeader>
        <CardContent>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Model</TableHead>
                <TableHead className="text-right">Planned</TableHead>
                <TableHead className="text-right">Good</TableHead>
                <TableHead className="text-right">Failed</TableHead>
                <TableHead className="hidden text-right sm:table-cell">Filament per item</TableHead>
                <TableHead className="text-right">Actual unit cost</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {run.items.map((item) => (
                <TableRow key={item.id}>
                  <TableCell>
                    <Link to={`/models/${item.model_id}`} className="font-mono font-medium underline-offset-4 hover:underline">
                      {item.sku ?? "Model"}
                    </Link>{" "}
                    <span className="text-muted-foreground">{item.name}</span>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{item.quantity}</TableCell>
                  <TableCell className="text-right tabular-nums">{item.successful_quantity ?? "—"}</TableCell>
                  <TableCell className="text-right tabular-nums">{item.failed_quantity ?? "—"}</TableCell>
                  <TableCell className="hidden text-right tabular-nums sm:table-cell">{formatGrams(item.bom_grams_per_unit)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(item.actual_unit_cost, currency)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Filament</CardTitle>
        </CardHeader>
        <CardContent>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Spool</TableHead>
                <TableHead className="text-right">Planned</TableHead>
                <TableHead className="hidden text-right md:table-cell">Before</TableHead>
                <TableHead className="hidden text-right md:table-cell">After</TableHead>
                <TableHead className="text-right">Used</TableHead>
                <TableHead className="text-right">Variance</TableHead>
                {weighable ? (
                  <TableHead>
                    <span className="sr-only">Weigh</span>
                  </TableHead>
                ) : null}
              </TableRow>
            </TableHeader>
            <TableBody>
              {run.materials.map((line) => (
                <TableRow key={line.id} data-testid="run-material">
                  <TableCell>
                    <Link to={`/spools/${line.spool_id}`} className="font-mono font-medium underline-offset-4 hover:underline">
                      {line.spool_code ?? "Spool"}
                    </Link>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatGrams(line.estimated_grams)}</TableCell>
                  <TableCell className="hidden text-right tabular-nums md:table-cell">{formatGrams(line.weight_before)}</TableCell>
                  <TableCell className="hidden text-right tabular-nums md:table-cell">{formatGrams(line.weight_after)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatGrams(line.actual_grams)}</TableCell>
                  <TableCell className="text-right">
                    <Variance grams={line.variance_grams} pct={line.variance_pct} />
                  </TableCell>
                  {weighable ? (
                    <TableCell className="text-right">
                      <WeighDialog
                        run={run}
                        line={line}
                        trigger={
                          <Button size="sm" variant="outline" aria-label={`Weigh ${line.spool_code ?? "spool"}`}>
                            <Scale />
                            Weigh
                          </Button>
                        }
                      />
                    </TableCell>
                  ) : null}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
    </>
  );
}

export default function RunDetailPage() {
  const { runId = "" } = useParams();
  const valid = isUuid(runId);
  const run = useRun(runId);
  if (!valid) return <DetailFallback error="invalid" what="Run" listPath="/production-runs" listLabel="Production runs" />;
  if (!run.data) return <DetailFallback error={run.error} what="Run" listPath="/production-runs" listLabel="Production runs" />;
  return <RunView run={run.data} />;
}
