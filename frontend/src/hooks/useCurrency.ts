import { useAuth } from "@/hooks/useAuth";

/** The current shop's currency (ISO 4217), for formatMoney. */
export function useCurrency(): string {
  return useAuth().me?.tenant.currency_code ?? "GBP";
}
