// The timestamps every table carries; the database fills them in too (see the migrations), so raw SQL writes agree.
import { p } from '@mikro-orm/core';

export const createdAt = () =>
  p
    .datetime()
    .onCreate(() => new Date())
    .defaultRaw('now()');

export const timestamps = () => ({
  createdAt: createdAt(),
  updatedAt: p
    .datetime()
    .onCreate(() => new Date())
    .onUpdate(() => new Date())
    .defaultRaw('now()'),
});
