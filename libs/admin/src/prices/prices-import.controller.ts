import { Controller, UseFilters, UseGuards } from '@nestjs/common';
import { AdminErrorFilter } from '../http/admin-error.filter';
import { AdminInput } from '../http/admin-input.decorator';
import { AdminRoute, type RouteInput, type RouteOutput } from '../http/admin-route';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { importPrices } from './price-import.routes';
import { PricesImportService } from './prices-import.service';

@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class PricesImportController {
  constructor(private readonly prices: PricesImportService) {}

  @AdminRoute(importPrices)
  import(@AdminInput() { query, body, audit }: RouteInput<typeof importPrices>): Promise<RouteOutput<typeof importPrices>> {
    return this.prices.import(audit, body, query.dryRun === 'true');
  }
}
