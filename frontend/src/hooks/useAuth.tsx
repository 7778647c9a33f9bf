/**
 * Who is signed in, in which shop, with which role; sign in, register, switch shop, sign out.
 * The access token is in memory (lib/session); on start the refresh cookie restores the session silently.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { authApi, unwrap, type AuthSchemas } from "@/lib/api";
import { hasRole, type Role } from "@/lib/roles";
import { AUTH_MODE_HEADER, session } from "@/lib/session";

export type Me = AuthSchemas["MeRead"];
export type RegisterInput = AuthSchemas["RegisterRequest"];

type Status = "restoring" | "signed-out" | "signed-in";

interface AuthContextValue {
  status: Status;
  me: Me | undefined;
  role: Role | undefined;
  can: (minimum: Role) => boolean;
  signIn: (email: string, password: string) => Promise<void>;
  register: (input: RegisterInput) => Promise<void>;
  switchTenant: (tenantId: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);
export const ME_QUERY_KEY = ["auth", "me"] as const;

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState<string | null>(session.accessToken);
  const [restoring, setRestoring] = useState(session.accessToken === null);

  useEffect(() => {
    // A token may have arrived between the first render and this effect (another tab's refresh): take it.
    setToken(session.accessToken);
    return session.subscribe(setToken);
  }, []);
  // Another tab signed in, registered or switched shop: its token is already ours; nothing cached may stay.
  useEffect(() => session.onChangedElsewhere(() => void queryClient.resetQueries()), [queryClient]);
  useEffect(() => {
    if (session.accessToken !== null) {
      setRestoring(false); // already signed in, possibly by another tab since the first render
      return;
    }
    let active = true;
    void session.refresh().finally(() => active && setRestoring(false));
    return () => {
      active = false;
    };
  }, []);

  const meQuery = useQuery({
    queryKey: ME_QUERY_KEY,
    queryFn: async () => unwrap(await authApi.GET("/api/v1/auth/me")),
    enabled: token !== null,
    staleTime: 60_000,
  });

  // Signing out (or a refresh that failed) drops every cached answer: the next user must see none of it.
  useEffect(() => {
    if (token === null) queryClient.clear();
  }, [token, queryClient]);

  const acceptTokens = useCallback(
    async (accessToken: string) => {
      queryClient.clear(); // another user or another shop: nothing cached may leak across
      session.begin(accessToken); // and the other tabs take the new session too
      await queryClient.fetchQuery({
        queryKey: ME_QUERY_KEY,
        queryFn: async () => unwrap(await authApi.GET("/api/v1/auth/me")),
      });
    },
    [queryClient],
  );

  const signIn = useCallback(
    async (email: string, password: string) => {
      // Requests that set the refresh cookie run under the lock the tabs share (lib/tabSync).
      const tokens = unwrap(
        await session.exclusive(() =>
          authApi.POST("/api/v1/auth/login", { body: { email, password }, headers: AUTH_MODE_HEADER }),
        ),
      );
      await acceptTokens(tokens.access_token);
    },
    [acceptTokens],
  );

  const register = useCallback(
    async (input: RegisterInput) => {
      const tokens = unwrap(
        await session.exclusive(() => authApi.POST("/api/v1/auth/register", { body: input, headers: AUTH_MODE_HEADER })),
      );
      await acceptTokens(tokens.access_token);
    },
    [acceptTokens],
  );

  const switchTenant = useCallback(
    async (tenantId: string) => {
      const tokens = unwrap(
        await session.exclusive(() =>
          authApi.POST("/api/v1/auth/switch-tenant", { body: { tenant_id: tenantId }, headers: AUTH_MODE_HEADER }),
        ),
      );
      await acceptTokens(tokens.access_token);
    },
    [acceptTokens],
  );

  const signOut = useCallback(async () => {
    await session.exclusive(async () => {
      try {
        await authApi.POST("/api/v1/auth/logout", { headers: AUTH_MODE_HEADER });
      } finally {
        session.begin(null); // signs out the other tabs too
      }
    });
  }, []);

  const me = token === null ? undefined : meQuery.data;
  const role = me?.role as Role | undefined;
  const status: Status = token !== null && me ? "signed-in" : restoring || (token !== null && meQuery.isPending) ? "restoring" : "signed-out";

  const value = useMemo<AuthContextValue>(
    () => ({ status, me, role, can: (minimum) => hasRole(role, minimum), signIn, register, switchTenant, signOut }),
    [status, me, role, signIn, register, switchTenant, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth must be used inside <AuthProvider>");
  return value;
}
