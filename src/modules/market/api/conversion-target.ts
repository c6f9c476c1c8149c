/**
 * For other capabilities' routes (payment analytics, data export): which currency to show money in, from the
 * request's `currency` or `homeCurrency=true`. Lives with the market module that does the converting; a hub built
 * without that module refuses the parameters plainly instead of failing inside.
 */
import type { Types } from 'mongoose';
import { validationFailed } from '../../../lib/errors.js';
import type { Services } from '../../../services/registry.js';
import type { ConversionRequest } from '../services/home-currency.js';

export async function conversionTarget(services: Services, userId: Types.ObjectId | string, request: ConversionRequest): Promise<string | undefined> {
  const asked = Boolean(request.currency) || request.homeCurrency === true || request.homeCurrency === 'true';
  if (!asked) return undefined;
  const converter = services.marketHomeCurrency as Services['marketHomeCurrency'] | undefined;
  if (!converter) throw validationFailed([{ field: request.currency ? 'currency' : 'homeCurrency', reason: 'currency conversion is not available on this hub (the market module is not loaded)' }]);
  return converter.targetFor(userId, request);
}
