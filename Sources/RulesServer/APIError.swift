// The one error type of the HTTP API. Every failure a client can see — a
// route's own refusal, a daemon error, Hummingbird's 404 for an unknown
// route, an oversized body, an unexpected throw — becomes an `APIError`
// and is rendered the same way:
//     {"error":{"code":"bad_request","message":"..."}}
// with extra members (the rejected lines of a batch, a reload's
// diagnostics) beside `error` or inside it where docs/API.md says.

import Hummingbird
import Logging
import NIOCore
import RulesDaemon
import RulesEngine

/// An HTTP error the API answers with, rendered as JSON.
struct APIError: Error, HTTPResponseError, Sendable {
    enum Code: String, Sendable {
        case badRequest = "bad_request"
        case unauthorized
        case forbidden
        case notFound = "not_found"
        case conflict
        case payloadTooLarge = "payload_too_large"
        case unavailable
        case rulesRefused = "rules_refused"
        case internalError = "internal"

        var status: HTTPResponse.Status {
            switch self {
            case .badRequest: .badRequest
            case .unauthorized: .unauthorized
            case .forbidden: .forbidden
            case .notFound: .notFound
            case .conflict: .conflict
            case .payloadTooLarge: .contentTooLarge
            case .unavailable: .serviceUnavailable
            case .rulesRefused: .unprocessableContent
            case .internalError: .internalServerError
            }
        }
    }

    var code: Code
    var message: String
    /// Extra members of the `error` object (a reload's `diagnostics`).
    var details: [JSONMember] = []
    /// Extra top-level members (a batch's `accepted`, `rejected`).
    var body: [JSONMember] = []

    init(_ code: Code, _ message: String, details: [JSONMember] = [], body: [JSONMember] = []) {
        self.code = code
        self.message = message
        self.details = details
        self.body = body
    }

    var status: HTTPResponse.Status { code.status }

    var json: JSONValue {
        let error: [JSONMember] = [JSONMember("code", .string(code.rawValue)), JSONMember("message", .string(message))] + details
        return .object(body + [JSONMember("error", .object(error))])
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = APIResponse.json(json, status: status)
        if code == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"rulesd\"" }
        return response
    }

    /// The API's view of a daemon failure.
    init(_ error: DaemonError) {
        switch error {
        case .store(let store): self.init(.unavailable, "store: \(store)")
        case .unavailable(let why): self.init(.unavailable, why)
        case .invalid(let why): self.init(.badRequest, why)
        }
    }
}

/// JSON responses.
enum APIResponse {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var text = JSON.serialize(value)
        text.append("\n")
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Turns whatever a route or Hummingbird threw into an `APIError` response,
/// so that no error leaves the server as HTML, plain text or an empty body.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            if error.code == .internalError { context.logger.error("\(request.method) \(request.uri.path): \(error.message)") }
            return try error.response(from: request, context: context)
        } catch {
            let apiError = Self.translate(error, request: request)
            if apiError.code == .internalError {
                context.logger.error("\(request.method) \(request.uri.path): unexpected error: \(error)")
            }
            return try apiError.response(from: request, context: context)
        }
    }

    static func translate(_ error: any Error, request: Request) -> APIError {
        switch error {
        case let error as DaemonError:
            return APIError(error)
        case is NIOTooManyBytesError:
            return APIError(.payloadTooLarge, "request body too large")
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                return APIError(.notFound, "no route \(request.method) \(request.uri.path)")
            case .contentTooLarge:
                return APIError(.payloadTooLarge, error.body ?? "request body too large")
            case .unauthorized:
                return APIError(.unauthorized, error.body ?? "unauthorized")
            case .forbidden:
                return APIError(.forbidden, error.body ?? "forbidden")
            case .serviceUnavailable:
                return APIError(.unavailable, error.body ?? "unavailable")
            case .conflict:
                return APIError(.conflict, error.body ?? "conflict")
            default:
                if (400..<500).contains(error.status.code) {
                    return APIError(.badRequest, error.body ?? error.status.reasonPhrase)
                }
                return APIError(.internalError, error.body ?? error.status.reasonPhrase)
            }
        case let error as any HTTPResponseError where (400..<500).contains(error.status.code):
            return APIError(.badRequest, "\(error)")
        default:
            return APIError(.internalError, "internal error (see the rulesd log)")
        }
    }
}
