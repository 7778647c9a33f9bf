import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "@/lib/errors";

/** Server state cache. Client errors (4xx) are not retried: asking again gives the same answer. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: true,
        retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}
