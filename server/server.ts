/** Entry of the language server bundle (dist/server.js): the connection comes from the process arguments. */
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startSession } from './session';

startSession(createConnection(ProposedFeatures.all));
