// Typed custom search attributes on every user's workflow: operators query "all failed payouts" in one visibility
// query.
import { defineSearchAttributeKey, SearchAttributeType, type TypedSearchAttributes } from '@temporalio/common';
import { upsertSearchAttributes } from '@temporalio/workflow';

export const CashbackTier = defineSearchAttributeKey('CashbackTier', SearchAttributeType.INT);
export const PayoutStatus = defineSearchAttributeKey('PayoutStatus', SearchAttributeType.KEYWORD);
export const LastPaidQuarter = defineSearchAttributeKey('LastPaidQuarter', SearchAttributeType.KEYWORD);

export const cashbackSearchAttributes = [CashbackTier, PayoutStatus, LastPaidQuarter];

export interface SearchAttributeValues {
  tier: number;
  payoutStatus: string;
  /** Empty until the first payout. */
  lastPaidQuarter: string;
}

/** Upserts the search attributes only when their values change: each upsert is a command and a visibility write. */
export class SearchAttributePublisher {
  private shown: SearchAttributeValues;

  /** Starts from what the run already carries (a continued run inherits its predecessor's). */
  constructor(inherited: TypedSearchAttributes) {
    this.shown = {
      tier: inherited.get(CashbackTier) ?? -1,
      payoutStatus: inherited.get(PayoutStatus) ?? '',
      lastPaidQuarter: inherited.get(LastPaidQuarter) ?? '',
    };
  }

  publish(values: SearchAttributeValues): void {
    const { tier, payoutStatus, lastPaidQuarter } = values;
    if (
      tier === this.shown.tier &&
      payoutStatus === this.shown.payoutStatus &&
      lastPaidQuarter === this.shown.lastPaidQuarter
    )
      return;
    upsertSearchAttributes([
      { key: CashbackTier, value: tier },
      { key: PayoutStatus, value: payoutStatus },
      ...(lastPaidQuarter ? [{ key: LastPaidQuarter, value: lastPaidQuarter }] : []),
    ]);
    this.shown = values;
  }
}
