// Typed custom search attributes on every user's workflow: operators query "all failed payouts" in one visibility query.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CashbackTier = defineSearchAttributeKey('CashbackTier', SearchAttributeType.INT);
export const PayoutStatus = defineSearchAttributeKey('PayoutStatus', SearchAttributeType.KEYWORD);
export const LastPaidQuarter = defineSearchAttributeKey('LastPaidQuarter', SearchAttributeType.KEYWORD);

export const cashbackSearchAttributes = [CashbackTier, PayoutStatus, LastPaidQuarter];
