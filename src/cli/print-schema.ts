/** Prints the public schema as front ends see it; `npm run schema:print > schema/public.graphql`. */
import { printPublicSchema } from '../hub/start-hub.ts';

process.stdout.write(`${printPublicSchema()}\n`);
