import { z } from 'zod';

export const ENVIRONMENTS = ['prod', 'staging', 'test', 'dev'] as const;
export const Environment = z.enum(ENVIRONMENTS);
export type Environment = z.infer<typeof Environment>;
