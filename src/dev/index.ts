export {
  FakeSlackApi,
  type FakeSlackApiOptions,
  type FakeUser,
  type FakeChannel,
  type Fault,
  type JsonObject,
  type MessageRevision,
  type RecordedCall,
  type ResponseTarget,
  type StoredFile,
  type StoredMessage,
  type StoredView,
} from './fake-slack-api.js';
export {
  SlackRequestSender,
  signBody,
  type BlockActionInput,
  type SendOptions,
  type SentResponse,
  type SigningMode,
  type SlackRequestSenderOptions,
  type SlackSignatureHeaders,
  type ShortcutInput,
  type SlashCommandInput,
  type ViewSubmissionInput,
} from './signed-requests.js';
export {
  FakeSocketMode,
  type Ack,
  type Envelope,
  type EnvelopeType,
  type FakeSocketModeOptions,
} from './fake-socket-mode.js';
