import { z } from 'zod';

export const API_VERSION = 'lockstep.dev/v1';
export const apiVersion = z.literal(API_VERSION).describe('Schema version of this file');
export const slug = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a lower-case name (a-z, 0-9, . _ -)');
export const expression = z.string().min(1).describe('A JSONata expression');
export const template = z.string().describe('Text with {{ JSONata }} placeholders; a whole-value placeholder keeps the value type');
export const httpStatus = z.number().int().min(100).max(599);
export const scalar = z.union([z.string(), z.number(), z.boolean()]);
