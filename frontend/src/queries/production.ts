/**
 * Production: printers and the spools loaded in them, production runs (plan, weigh, complete, fail, cancel,
 * revert), the spool stock with its reservations and the defaults a new run starts from. Keys start with
 * their resource (lib/resources); every POST carries an Idempotency-Key (lib/idempotency) so a double click
 * or a retry never starts, completes or reverts a run twice.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { productionApi, unwrap, type ProductionSchemas } from "@/lib/api";
import { idempotent } from "@/lib/idempotency";
import { touch } from "@/lib/resources";

export type Printer = ProductionSchemas["PrinterRead"];
export type PrinterCreate = ProductionSchemas["PrinterCreate"];
export type PrinterUpdate = ProductionSchemas["PrinterUpdate"];
export type LoadedSpool = ProductionSchemas["LoadedSpool"];
export type Run = ProductionSchemas["RunRead"];
export type RunCreate = ProductionSchemas["RunCreate"];
export type RunItem = ProductionSchemas["ItemRead"];
export type RunMaterial = ProductionSchemas["MaterialRead"];
export type MaterialIn = ProductionSchemas["MaterialIn"];
export type MaterialUpdate = ProductionSchemas["MaterialUpdate"];
export type SpoolStock = ProductionSchemas["SpoolStock"];
export type RunDefaults = ProductionSchemas["Defaults"];
export type CompleteRun = ProductionSchemas["CompleteRun"];
export type FailRun = ProductionSchemas["FailRun"];
export type CancelRun = ProductionSchemas["CancelRun"];
export type RunStatus = ProductionSchemas["Status"];

export const RUN_STATUSES: readonly RunStatus[] = ["planned", "in_progress", "completed", "failed", "cancelled"];
export const RUNS_PAGE_SIZE = 50;

export interface RunListParams {
  limit: number;
  offset: number;
  status?: RunStatus;
  printer_id?: string;
  model_id?: string;
  date_from?: string;
  date_to?: string;
  q?: string;
}

export const printerKeys = {
  all: ["printers"] as const,
  list: (active?: boolean) => ["printers", "list", active ?? "all"] as const,
  detail: (id: string) => ["printers", "detail", id] as const,
};
export const runKeys = {
  all: ["production-runs"] as const,
  list: (params: RunListParams) => ["production-runs", "list", params] as const,
  detail: (id: string) => ["production-runs", "detail", id] as const,
};
export const productionSpoolKeys = {
  all: ["production-spools"] as const,
  list: (filamentTypeId?: string) => ["production-spools", "list", filamentTypeId ?? "all"] as const,
  defaults: (modelId: string, quantity: number, printerId?: string) => ["production-spools", "defaults", modelId, quantity, printerId ?? ""] as const,
};

// ---- Reads ----------------------------------------------------------------------------------------------

/** `refetchInterval` (ms): the printers page polls, as printers linked to an API key load the spools they report. */
export function usePrinters({ active, refetchInterval }: { active?: boolean; refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: printerKeys.list(active),
    ...(refetchInterval ? { refetchInterval } : {}),
    queryFn: async ({ signal }) =>
      unwrap(await productionApi.GET("/api/v1/printers", { params: { query: { limit: 200, ...(active === undefined ? {} : { active }) } }, signal })),
  });
}

export function useRuns(params: RunListParams) {
  return useQuery({
    queryKey: runKeys.list(params),
    queryFn: async ({ signal }) => unwrap(await productionApi.GET("/api/v1/production-runs", { params: { query: params }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** A run; while inventory has not answered its deduction yet, asked again every 2 s. */
export function useRun(id: string) {
  return useQuery({
    queryKey: runKeys.detail(id),
    queryFn: async ({ signal }) =>
      unwrap(await productionApi.GET("/api/v1/production-runs/{run_id}", { params: { path: { run_id: id } }, signal })),
    refetchInterval: (query) => (query.state.data?.deduction.status === "pending" ? 2_000 : false),
  });
}

/** Every spool with current, reserved and available grams and where it is loaded. */
export function useProductionSpools() {
  return useQuery({
    queryKey: productionSpoolKeys.list(),
    queryFn: async ({ signal }) =>
      unwrap(await productionApi.GET("/api/v1/production/spools", { params: { query: { limit: 200 } }, signal })),
  });
}

export async function fetchRunDefaults(modelId: string, quantity: number, printerId?: string): Promise<RunDefaults> {
  return unwrap(
    await productionApi.GET("/api/v1/production/defaults", {
      params: { query: { model_id: modelId, quantity, ...(printerId ? { printer_id: printerId } : {}) } },
    }),
  );
}

// ---- Printer writes -------------------------------------------------------------------------------------

function usePrinterWrite<V>(send: (variables: V) => Promise<Printer>, mutation: "printer.write" | "printer.load" = "printer.write") {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: () => {
      touch(queryClient, mutation);
    },
  });
}

export function useCreatePrinter() {
  return usePrinterWrite((body: PrinterCreate) =>
    idempotent("/api/v1/printers", body, async (headers) => unwrap(await productionApi.POST("/api/v1/printers", { body, headers }))),
  );
}

export function useUpdatePrinter() {
  return usePrinterWrite(async ({ id, body }: { id: string; body: PrinterUpdate }) =>
    unwrap(await productionApi.PATCH("/api/v1/printers/{printer_id}", { params: { path: { printer_id: id } }, body })),
  );
}

export function useDeletePrinter() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      unwrap(await productionApi.DELETE("/api/v1/printers/{printer_id}", { params: { path: { printer_id: id } } }));
    },
    onSuccess: () => {
      touch(queryClient, "printer.write");
    },
  });
}

export function useLoadSpool() {
  return usePrinterWrite(
    ({ printerId, spoolId, slot }: { printerId: string; spoolId: string; slot: number }) => {
      const body = { spool_id: spoolId, slot };
      return idempotent(`/api/v1/printers/${printerId}/load`, body, async (headers) =>
        unwrap(await productionApi.POST("/api/v1/printers/{printer_id}/load", { params: { path: { printer_id: printerId } }, body, headers })),
      );
    },
    "printer.load",
  );
}

export function useUnloadSpool() {
  return usePrinterWrite(
    ({ printerId, spoolId }: { printerId: string; spoolId: string }) => {
      const body = { spool_id: spoolId };
      return idempotent(`/api/v1/printers/${printerId}/unload`, body, async (headers) =>
        unwrap(await productionApi.POST("/api/v1/printers/{printer_id}/unload", { params: { path: { printer_id: printerId } }, body, headers })),
      );
    },
    "printer.load",
  );
}

// ---- Run writes -----------------------------------------------------------------------------------------

type RunMutation = "run.write" | "run.finish";

function useRunWrite<V>(send: (variables: V) => Promise<Run>, mutation: RunMutation = "run.write") {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: (run) => {
      queryClient.setQueryData(runKeys.detail(run.id), run);
      touch(queryClient, mutation);
    },
  });
}

export function useCreateRun() {
  return useRunWrite((body: RunCreate) =>
    idempotent("/api/v1/production-runs", body, async (headers) => unwrap(await productionApi.POST("/api/v1/production-runs", { body, headers }))),
  );
}

export function useUpdateMaterial() {
  return useRunWrite(async ({ runId, lineId, body }: { runId: string; lineId: string; body: MaterialUpdate }) =>
    unwrap(
      await productionApi.PATCH("/api/v1/production-runs/{run_id}/materials/{line_id}", {
        params: { path: { run_id: runId, line_id: lineId } },
        body,
      }),
    ),
  );
}

export function useUpdateItem() {
  return useRunWrite(
    async ({ runId, itemId, successful, failed }: { runId: string; itemId: string; successful: number | null; failed: number | null }) =>
      unwrap(
        await productionApi.PATCH("/api/v1/production-runs/{run_id}/items/{item_id}", {
          params: { path: { run_id: runId, item_id: itemId } },
          body: { successful_quantity: successful, failed_quantity: failed },
        }),
      ),
  );
}

type RunAction = "start" | "complete" | "fail" | "cancel" | "revert";

/** POST /production-runs/{id}/{action} with its key: the same click sent twice acts once. */
async function postAction(runId: string, action: RunAction, body: unknown): Promise<Run> {
  const path = { params: { path: { run_id: runId } } };
  return idempotent(`/api/v1/production-runs/${runId}/${action}`, body, async (headers) => {
    switch (action) {
      case "start":
        return unwrap(await productionApi.POST("/api/v1/production-runs/{run_id}/start", { ...path, headers }));
      case "complete":
        return unwrap(await productionApi.POST("/api/v1/production-runs/{run_id}/complete", { ...path, body: body as CompleteRun, headers }));
      case "fail":
        return unwrap(await productionApi.POST("/api/v1/production-runs/{run_id}/fail", { ...path, body: body as FailRun, headers }));
      case "cancel":
        return unwrap(await productionApi.POST("/api/v1/production-runs/{run_id}/cancel", { ...path, body: body as CancelRun, headers }));
      case "revert":
        return unwrap(await productionApi.POST("/api/v1/production-runs/{run_id}/revert", { ...path, headers }));
    }
  });
}

export function useStartRun() {
  return useRunWrite((runId: string) => postAction(runId, "start", null));
}

export function useCompleteRun() {
  return useRunWrite(({ runId, body }: { runId: string; body: CompleteRun }) => postAction(runId, "complete", body), "run.finish");
}

export function useFailRun() {
  return useRunWrite(({ runId, body }: { runId: string; body: FailRun }) => postAction(runId, "fail", body), "run.finish");
}

export function useCancelRun() {
  return useRunWrite(({ runId, body }: { runId: string; body: CancelRun }) => postAction(runId, "cancel", body), "run.finish");
}

export function useRevertRun() {
  return useRunWrite((runId: string) => postAction(runId, "revert", null), "run.finish");
}

export function useDeleteRun() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      unwrap(await productionApi.DELETE("/api/v1/production-runs/{run_id}", { params: { path: { run_id: id } } }));
      return id;
    },
    onSuccess: (id) => {
      queryClient.removeQueries({ queryKey: runKeys.detail(id) });
      touch(queryClient, "run.write");
    },
  });
}

/** The spool an INSUFFICIENT_STOCK message names ("Spool SPL-0001 has 20 g available …"). */
export function shortSpoolCode(message: string): string | null {
  return /^Spool (\S+) has/.exec(message)?.[1] ?? null;
}
