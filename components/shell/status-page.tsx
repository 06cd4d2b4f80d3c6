// The frame of a page that stands in for the one asked for (not found, failed):
// the brand, one card that says what happened and the way back. No hooks, so a
// server page (not-found) and a client error boundary can both use it.
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";

export function StatusPage({
  code,
  title,
  children,
  actions,
}: {
  code: string;
  title: string;
  children: React.ReactNode;
  actions: React.ReactNode;
}) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-6 bg-muted p-4">
      <Link href="/" className="text-2xl font-bold text-primary">
        EIPilot
      </Link>
      <Card className="w-full max-w-md space-y-3" data-testid="status-page">
        <p className="font-mono text-sm text-muted-fg">{code}</p>
        <h1 className="text-xl font-semibold">{title}</h1>
        <div className="space-y-2 text-sm text-muted-fg">{children}</div>
        <div className="flex flex-wrap gap-3 pt-2">{actions}</div>
      </Card>
    </main>
  );
}

/** What a failed page says (messages/<locale>/fallback.json, "error"). */
export type FailedPageText = { title: string; body: string; reference: string; retry: string; home: string };

/**
 * A page that failed to render: Try again, the way back, and the digest as the
 * reference to find the error in the server log (its message is never shown).
 */
export function FailedPage({ text, digest, reset }: { text: FailedPageText; digest?: string; reset: () => void }) {
  return (
    <StatusPage
      code="500"
      title={text.title}
      actions={
        <>
          <Button onClick={reset}>{text.retry}</Button>
          <Link href="/" className={statusLink.secondary}>
            {text.home}
          </Link>
        </>
      }
    >
      <p>{text.body}</p>
      {digest ? (
        <p>
          {text.reference}{" "}
          <code className="font-mono text-fg" data-testid="error-digest">
            {digest}
          </code>
        </p>
      ) : null}
    </StatusPage>
  );
}

/** A link that looks like the page's buttons (components/ui/button). */
const linkBase = "inline-flex h-10 items-center rounded-md px-4 text-sm font-medium";
export const statusLink = {
  primary: `${linkBase} bg-primary text-primary-fg hover:opacity-90`,
  secondary: `${linkBase} border border-border bg-card text-fg hover:bg-muted`,
} as const;
