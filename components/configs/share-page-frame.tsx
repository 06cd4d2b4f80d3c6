/** The public share page's frame: no app shell, nobody is signed in. */
export function SharePageFrame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="mx-auto max-w-3xl px-4 py-10">
      <p className="mb-2 text-lg font-bold text-primary">EIPilot</p>
      <h1 className="mb-4 text-2xl font-semibold">{title}</h1>
      {children}
    </main>
  );
}
