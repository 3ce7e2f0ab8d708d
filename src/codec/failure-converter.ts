// Failures keep their message and stack trace in an encoded attributes payload, which the codec encrypts: Temporal's
// history then holds "Encoded failure" where an error message would name a user or an amount. The worker loads this
// module by path (failureConverterPath), inside the workflow sandbox too.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
