import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router-dom";
import { z } from "zod";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useAuth } from "@/hooks/useAuth";
import { applyApiErrors } from "@/lib/forms";
import { AuthLayout } from "@/pages/auth/AuthLayout";

// The same limits as the auth service (domain.md §1), so most mistakes are caught before a round trip.
export const registerSchema = z.object({
  full_name: z.string().trim().min(1, "Enter your name").max(200, "At most 200 characters"),
  tenant_name: z.string().trim().min(1, "Name your shop").max(200, "At most 200 characters"),
  email: z.email("Enter a valid email address"),
  password: z.string().min(8, "At least 8 characters").max(128, "At most 128 characters"),
  currency_code: z.string().regex(/^[A-Za-z]{3}$/, "Three letters, e.g. GBP"),
});
// Joining through an invitation link creates no shop: no shop name, no currency.
export const joinSchema = registerSchema.extend({ tenant_name: z.string(), currency_code: z.string() });
type Values = z.infer<typeof registerSchema>;
const FIELDS = ["full_name", "tenant_name", "email", "password", "currency_code"] as const;

export default function RegisterPage() {
  const { status, register } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const invitation = params.get("invitation");
  const form = useForm<Values>({
    resolver: zodResolver(invitation ? joinSchema : registerSchema),
    defaultValues: { full_name: "", tenant_name: "", email: "", password: "", currency_code: "GBP" },
  });
  const { errors, isSubmitting } = form.formState;

  if (status === "signed-in") return <Navigate to="/" replace />;

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      const { tenant_name, currency_code, ...person } = values;
      await register(
        invitation
          ? { ...person, currency_code: "GBP", invitation_token: invitation } // the currency is the shop's: ignored
          : { ...person, tenant_name, currency_code: currency_code.toUpperCase() },
      );
      navigate("/", { replace: true });
    } catch (error) {
      applyApiErrors(error, form.setError, FIELDS);
    }
  });

  return (
    <AuthLayout
      title={invitation ? "Join the shop that invited you" : "Create your shop"}
      description={
        invitation
          ? "Use the email address the invitation was sent to; you join with the role you were invited with."
          : "You become the shop's owner; invite your team later."
      }
      footer={
        <>
          Already have an account? <Link to="/login" className="text-primary underline">Sign in</Link>
        </>
      }
    >
      <form className="grid gap-4" onSubmit={onSubmit} noValidate>
        <Field label="Your name" error={errors.full_name?.message}>
          <Input autoComplete="name" autoFocus {...form.register("full_name")} />
        </Field>
        {invitation ? null : (
          <Field label="Shop name" error={errors.tenant_name?.message}>
            <Input autoComplete="organization" {...form.register("tenant_name")} />
          </Field>
        )}
        <Field label="Email" error={errors.email?.message}>
          <Input type="email" autoComplete="email" {...form.register("email")} />
        </Field>
        <Field label="Password" error={errors.password?.message} hint="8 to 128 characters.">
          <Input type="password" autoComplete="new-password" {...form.register("password")} />
        </Field>
        {invitation ? null : (
          <Field label="Currency" error={errors.currency_code?.message} hint="ISO 4217 code; prices and stock value use it.">
            <Input maxLength={3} className="w-24 uppercase" {...form.register("currency_code")} />
          </Field>
        )}
        {errors.root?.server ? <Alert variant="destructive">{errors.root.server.message}</Alert> : null}
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? (invitation ? "Joining…" : "Creating…") : invitation ? "Join shop" : "Create shop"}
        </Button>
      </form>
    </AuthLayout>
  );
}
