// The committed client (src/client/schema.ts) is what the served OpenAPI document generates, and the jobs-file checks follow the document.
import { expect, test } from "bun:test";
import { generateSchemaSource, SCHEMA_FILE, servedDocument } from "../../scripts/gen-client.ts";
import { JOB_FIELDS, TARGET_FIELDS } from "../../src/cli/jobs-file.ts";

test("the committed src/client/schema.ts equals what the current /openapi.json generates (run npm run gen:client if not)", async () => {
  const want = await generateSchemaSource();
  const have = await Bun.file(SCHEMA_FILE).text();
  if (have !== want) throw new Error("src/client/schema.ts is stale: run `npm run gen:client` and commit the result");
  expect(have).toBe(want);
}, 30_000);

test("the fields a jobs file may give are the properties of JobCreate and TargetInput in the document", async () => {
  const doc = (await servedDocument()) as { components: { schemas: Record<string, { properties: Record<string, unknown> }> } };
  expect([...JOB_FIELDS].sort() as string[]).toEqual(Object.keys(doc.components.schemas.JobCreate!.properties).sort());
  expect([...TARGET_FIELDS].sort() as string[]).toEqual(Object.keys(doc.components.schemas.TargetInput!.properties).sort());
});
