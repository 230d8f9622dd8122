import { describe, expect, it } from "vitest";
import { latestOnly } from "./latest";

describe("latestOnly", () => {
  it("marks only the answer to the newest call as current", async () => {
    const resolvers: ((v: string) => void)[] = [];
    const f = latestOnly((q: string) => new Promise<string>((r) => resolvers.push(() => r(q))));
    const first = f("nu");
    const second = f("nur");
    resolvers[1]("nur");
    resolvers[0]("nu");
    expect(await second).toEqual({ current: true, value: "nur" });
    expect(await first).toEqual({ current: false, value: "nu" });
  });
});
