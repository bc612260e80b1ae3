/**
 * SES's refusals as SES sends them, through a real SESClient: `injectSesErrors` answers chosen
 * SendRawEmail calls with the HTTP status and the awsQuery error document SES sends, below the
 * SDK's deserializer, so that what the code under test catches is exactly what the SDK makes of
 * SES's answer (its exception class, name, message, $fault, $metadata). Every other call goes
 * through to the client's endpoint (aws-ses-v2-local in the tests).
 *
 * The documents are what SES's Query API sends (aws/aws-sdk-php#941 and #981 quote two verbatim):
 *
 *   <ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/">
 *     <Error><Type>Sender</Type><Code>InvalidParameterValue</Code><Message>Illegal address</Message></Error>
 *     <RequestId>bfa87383-f573-11e5-b118-e921f7779a13</RequestId>
 *   </ErrorResponse>
 *
 * @aws-sdk/client-ses reads them with AwsQueryProtocol.handleError (@aws-sdk/core/protocols): the
 * exception class is the one whose model's awsQueryError code is <Code> (ConfigurationSetDoesNotExist
 * → ConfigurationSetDoesNotExistException), else an SESServiceException named <Code>; its message
 * is <Message>; members of the error's model (ConfigurationSetName) are read from inside <Error>;
 * $fault is "client" below 500; $metadata.requestId comes from the x-amzn-RequestId header.
 */
import { STATUS_CODES } from "node:http";
import { Readable } from "node:stream";
import type { SESClient, SendRawEmailCommandInput } from "@aws-sdk/client-ses";

export type SesRefusal = {
  /** The HTTP status SES answers with. */
  status: number;
  /** <Code> as SES puts it on the wire (the SDK may name its exception differently). */
  code: string;
  /** <Message>, SES's words. */
  message: string;
  /** Members of the error's model, inside <Error> (ConfigurationSetName for the configuration set's errors). */
  members?: Record<string, string>;
};

/**
 * SES's refusals of a SendRawEmail, each with where its shape was found. Codes and statuses come
 * from the SES model in @aws-sdk/client-ses (awsQueryError, httpError) or the API reference's
 * Common Errors; messages from the SES developer guide ("Amazon SES email sending errors",
 * troubleshoot-error-messages) or from SES's answers quoted in public issues. Where SES's exact
 * words are published nowhere, the message is the model's description, and the comment says so:
 * the classifier does not read those messages.
 */
export const SES_REFUSALS = {
  // UpdateAccountSendingEnabled(false). Model: awsQueryError AccountSendingPausedException, 400.
  // SES's text is unpublished; this is the model's description.
  accountSendingPaused: {
    status: 400,
    code: "AccountSendingPausedException",
    message: "Email sending is disabled for your entire Amazon SES account.",
  },
  // UpdateConfigurationSetSendingEnabled(false). Model: ConfigurationSetSendingPausedException,
  // 400, member ConfigurationSetName. Text unpublished; the model's description.
  configurationSetSendingPaused: {
    status: 400,
    code: "ConfigurationSetSendingPausedException",
    message: "Email sending is disabled for the configuration set.",
    members: { ConfigurationSetName: "dun" },
  },
  // Model: awsQueryError ConfigurationSetDoesNotExist (the SDK's ConfigurationSetDoesNotExistException),
  // 400, member ConfigurationSetName; the developer guide's "API error codes" lists it, 400.
  // Text: the developer guide's heading for it; SES's exact words are unpublished.
  configurationSetDoesNotExist: {
    status: 400,
    code: "ConfigurationSetDoesNotExist",
    message: "Configuration set does not exist.",
    members: { ConfigurationSetName: "dun" },
  },
  // SES could not read the MX record of the custom MAIL FROM domain. Model: awsQueryError
  // MailFromDomainNotVerifiedException, 400. Text: the developer guide's heading for it ("Mail FROM
  // domain is not verified"); SES's exact words are unpublished.
  mailFromNotVerified: {
    status: 400,
    code: "MailFromDomainNotVerifiedException",
    message: "Mail FROM domain is not verified.",
  },
  // The same refusal under the code the developer guide's "API error codes" table gives it
  // (MailFromDomainNotVerified, 400), which the model does not know: the SDK makes it a plain
  // SESServiceException of that name.
  mailFromNotVerifiedAsDocumented: {
    status: 400,
    code: "MailFromDomainNotVerified",
    message: "Mail FROM domain is not verified.",
  },
  // The From identity is not verified in this region. Developer guide, troubleshoot-error-messages;
  // as a MessageRejected 400 in blueimp/aws-smtp-relay#18 and in botocore traces.
  senderNotVerified: {
    status: 400,
    code: "MessageRejected",
    message:
      "Email address is not verified. The following identities failed the check in region EU-NORTH-1: dun@send.nordlys.example",
  },
  // In the sandbox, every recipient must be verified too: the same words, naming the recipient
  // (developer guide, troubleshoot-error-messages; repost.aws "ses-554-400-message-rejected-error").
  sandboxRecipientNotVerified: {
    status: 400,
    code: "MessageRejected",
    message:
      "Email address is not verified. The following identities failed the check in region EU-NORTH-1: faktura@fjordlys.example",
  },
  // SES paused the account (a review, bounce or complaint rates): the developer guide's "Account
  // is paused"; SES's words as quoted by its SMTP interface ("554 Message rejected: Sending paused
  // for this account. …") and by users of its API (MessageRejected).
  accountPausedBySes: {
    status: 400,
    code: "MessageRejected",
    message:
      "Sending paused for this account. For more information, please check the inbox of the email address associated with your AWS account.",
  },
  // The older words for the same (CiviCRM's and Sendy's SES error handling quote them).
  accountSuspendedBySes: {
    status: 400,
    code: "MessageRejected",
    message:
      "Sending suspended for this account. For more information, please check the inbox of the email address associated with your AWS account.",
  },
  // A recipient SES cannot parse. Verbatim XML in aws/aws-sdk-php#941: InvalidParameterValue, 400.
  illegalAddress: { status: 400, code: "InvalidParameterValue", message: "Illegal address" },
  // An address without a domain: InvalidParameterValue (anymail/django-anymail#281, cloud-custodian#8051).
  missingDomain: { status: 400, code: "InvalidParameterValue", message: "Missing final '@domain'" },
  // A space in an address: InvalidParameterValue (ambient-innovation/django-pony-express#27).
  whitespaceInAddress: {
    status: 400,
    code: "InvalidParameterValue",
    message: "Local address contains control or whitespace",
  },
  // SendRawEmail's 10 MB limit: InvalidParameterValue, as botocore reports it in several repositories
  // ("Message length is more than 10485760 bytes long: '24081986'.").
  messageTooLong: {
    status: 400,
    code: "InvalidParameterValue",
    message: "Message length is more than 10485760 bytes long: '10912345'.",
  },
  // Verbatim XML in aws/aws-sdk-php#981: InvalidParameterValue, 400.
  headerSectionTooLong: { status: 400, code: "InvalidParameterValue", message: "Header section too long." },
  // Until 2013 SES refused a recipient on its blacklist ("Message rejected: Address blacklisted",
  // AWS Messaging blog, "The Amazon SES 'Address Blacklisted' Error"); the suppression list replaced it.
  addressBlacklisted: { status: 400, code: "MessageRejected", message: "Address blacklisted." },
  // The developer guide ("API error codes": Throttling, 400) and the AWS Messaging blog ("a
  // 'Throttling' error response with a 'Maximum sending rate exceeded.' message").
  throttlingRate: { status: 400, code: "Throttling", message: "Maximum sending rate exceeded." },
  // The developer guide, "Errors related to the sending quotas": "Daily message quota exceeded".
  dailyQuotaExceeded: { status: 400, code: "Throttling", message: "Daily message quota exceeded." },
  // The role may not send from this identity. AccessDenied, 403, in SES's answers (aws/aws-sdk-php#941
  // verbatim XML; the text as in cloud-custodian#4582).
  accessDenied: {
    status: 403,
    code: "AccessDenied",
    message:
      "User `arn:aws:sts::123456789012:assumed-role/dun-sender/dun-sender' is not authorized to perform `ses:SendRawEmail' on resource `arn:aws:ses:eu-north-1:123456789012:identity/send.nordlys.example'",
  },
  // An access key SES does not know. Common Errors: InvalidClientTokenId, 403; the text as SES
  // answered in phalcon/vokuro#17.
  invalidClientTokenId: {
    status: 403,
    code: "InvalidClientTokenId",
    message: "The security token included in the request is invalid",
  },
  // The Lambda role's session ran out. ExpiredToken, 403, "The security token included in the
  // request is expired": the Query API's answer, verbatim XML in cfn-sphere/cfn-sphere#55 (IAM).
  expiredToken: {
    status: 403,
    code: "ExpiredToken",
    message: "The security token included in the request is expired",
  },
  // Common Errors: RequestExpired, 400 ("more than 15 minutes after the date stamp"); text from there.
  requestExpired: {
    status: 400,
    code: "RequestExpired",
    message: "The request reached the service more than 15 minutes after the date stamp on the request.",
  },
  // Common Errors: InternalFailure, 500; text from there.
  internalFailure: {
    status: 500,
    code: "InternalFailure",
    message: "The request processing has failed because of an unknown error, exception or failure.",
  },
  // Common Errors: ServiceUnavailable, 503; text from there.
  serviceUnavailable: {
    status: 503,
    code: "ServiceUnavailable",
    message: "The request has failed due to a temporary failure of the server.",
  },
} as const satisfies Record<string, SesRefusal>;

export type SesRefusalName = keyof typeof SES_REFUSALS;

/** The body SES sends with a refusal. */
export function sesErrorDocument(refusal: SesRefusal, requestId: string): string {
  const members = Object.entries(refusal.members ?? {})
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join("");
  return [
    '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/">',
    `<Error><Type>${refusal.status < 500 ? "Sender" : "Receiver"}</Type>`,
    `<Code>${escapeXml(refusal.code)}</Code><Message>${escapeXml(refusal.message)}</Message>${members}</Error>`,
    `<RequestId>${requestId}</RequestId>`,
    "</ErrorResponse>",
  ].join("");
}

/**
 * Arms `client` (for good: give it a client of its own; it is returned for convenience): each
 * SendRawEmail for which `refuse` names a refusal is answered with it instead of being sent; the
 * rest go on to the endpoint. `refuse` sees the command's input (RawMessage, ConfigurationSetName,
 * Tags), so a test can refuse one recipient only. Placed right below the SDK's deserializer, after
 * signing, so the request is exactly the one SES would have got.
 */
export function injectSesErrors(
  client: SESClient,
  refuse: (input: SendRawEmailCommandInput) => SesRefusal | undefined,
): SESClient {
  let requests = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const refusal =
        context.commandName === "SendRawEmailCommand"
          ? refuse(args.input as SendRawEmailCommandInput)
          : undefined;
      if (!refusal) return next(args);
      const requestId = `00000000-0000-4000-8000-${String(++requests).padStart(12, "0")}`;
      return {
        // What Node's HTTP handler hands the deserializer: a status, lower-case headers, a stream.
        response: {
          statusCode: refusal.status,
          reason: STATUS_CODES[refusal.status],
          headers: { "x-amzn-requestid": requestId, "content-type": "text/xml" },
          body: Readable.from([Buffer.from(sesErrorDocument(refusal, requestId))]),
        },
      };
    },
    // The deserialize step's last ("low"): inside the SDK's deserializer, next to the HTTP handler.
    { step: "deserialize", priority: "low", name: "dunInjectSesErrors" },
  );
  return client;
}

/** The raw message of a SendRawEmail input, as text: to pick the emails to refuse by their headers. */
export function rawMessageOf(input: SendRawEmailCommandInput): string {
  return Buffer.from(input.RawMessage?.Data ?? []).toString("latin1");
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
