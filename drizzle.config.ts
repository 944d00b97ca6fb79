// drizzle-kit: generates SQL migrations in drizzle/ from src/store/schema.ts (npm run db:generate).
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/store/schema.ts",
  out: "./drizzle",
});
