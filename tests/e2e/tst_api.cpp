// The vitrine.v1 API end to end: a real vitrine-server process, real gRPC clients, each acting with a token.

#include "server_process.h"
#include "vitrine/v1/applications.grpc.pb.h"
#include "vitrine/v1/repositories.grpc.pb.h"
#include "vitrine/v1/system.grpc.pb.h"
#include "vitrine/v1/tokens.grpc.pb.h"
#include "vitrine/v1/users.grpc.pb.h"

#include <google/protobuf/empty.pb.h>
#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/wrappers.pb.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>

#include <QTest>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// Protobuf strings are std::string: let QCOMPARE show them when they differ.
template<>
inline char *QTest::toString(const std::string &text)
{
    return qstrdup(text.c_str());
}

using namespace vitrine;
using namespace Qt::StringLiterals;

using Users = v1::UserService::Stub;
using Tokens = v1::TokenService::Stub;
using Repositories = v1::RepositoryService::Stub;
using Applications = v1::ApplicationService::Stub;
using System = v1::SystemService::Stub;

namespace {

template<typename Response>
struct Result {
    grpc::Status status;
    Response response;
};

QByteArray describe(const grpc::Status &status)
{
    return "status " + QByteArray::number(status.error_code()) + ": " +
           QByteArray::fromStdString(status.error_message());
}

// Talks to the server with one authorization metadata value (or none).
class Client {
public:
    Client() = default;
    Client(std::shared_ptr<grpc::Channel> channel, std::optional<std::string> authorization)
        : m_channel(std::move(channel))
        , m_authorization(std::move(authorization))
    {
    }

    static Client withToken(std::shared_ptr<grpc::Channel> channel, const std::string &token)
    {
        return Client(std::move(channel), "Bearer " + token);
    }

    template<typename Stub, typename Request, typename Response>
    Result<Response> call(grpc::Status (Stub::*method)(grpc::ClientContext *, const Request &, Response *),
                          const Request &request) const
    {
        Stub stub(m_channel);
        grpc::ClientContext context;
        if (m_authorization)
            context.AddMetadata("authorization", *m_authorization);
        // A hung server fails the test instead of hanging it.
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        Result<Response> result;
        result.status = (stub.*method)(&context, request, &result.response);
        return result;
    }

private:
    std::shared_ptr<grpc::Channel> m_channel;
    std::optional<std::string> m_authorization;
};

const grpc::Status &statusOf(const grpc::Status &status)
{
    return status;
}

template<typename Response>
const grpc::Status &statusOf(const Result<Response> &result)
{
    return result.status;
}

// These checks take a call's Result or Status and evaluate it once: the call runs once.

// Checks a call succeeded, showing the status otherwise.
#define VERIFY_OK(call)                                                                                      \
    do {                                                                                                     \
        const grpc::Status checked = statusOf(call);                                                         \
        QVERIFY2(checked.ok(), describe(checked).constData());                                               \
    } while (false)

// Checks a call failed with this code, showing the status otherwise.
#define VERIFY_CODE(call, code)                                                                              \
    do {                                                                                                     \
        const grpc::Status checked = statusOf(call);                                                         \
        QVERIFY2(checked.error_code() == (code), describe(checked).constData());                             \
    } while (false)

// Checks a call was refused because the resource is someone else's: not shown (NOT_FOUND) or not allowed.
#define VERIFY_REFUSED(call)                                                                                 \
    do {                                                                                                     \
        const grpc::Status checked = statusOf(call);                                                         \
        QVERIFY2(checked.error_code() == grpc::StatusCode::PERMISSION_DENIED ||                              \
                     checked.error_code() == grpc::StatusCode::NOT_FOUND,                                    \
                 describe(checked).constData());                                                             \
    } while (false)

v1::CreateUserRequest newUser(const std::string &name, v1::Role role = v1::ROLE_UNSPECIFIED)
{
    v1::CreateUserRequest request;
    request.set_name(name);
    request.set_role(role);
    return request;
}

v1::CreateTokenRequest newToken(const std::string &user)
{
    v1::CreateTokenRequest request;
    request.set_user(user);
    request.set_description("tst_api");
    return request;
}

v1::CreateRepositoryRequest newRepository(const std::string &name)
{
    v1::CreateRepositoryRequest request;
    request.set_name(name);
    request.set_url("https://git.example.com/club/" + name + ".git");
    return request;
}

// A static site served as the repository's files, at NAME.localhost.
v1::CreateApplicationRequest newApplication(const std::string &name, const std::string &repository)
{
    v1::CreateApplicationRequest request;
    request.set_name(name);
    request.set_repository(repository);
    request.set_ref("main");
    request.mutable_build()->set_type(v1::BUILD_TYPE_STATIC);
    return request;
}

// A runtime app that serves with python3 on $PORT.
v1::CreateApplicationRequest newRuntimeApplication(const std::string &name, const std::string &repository)
{
    v1::CreateApplicationRequest request = newApplication(name, repository);
    request.mutable_build()->set_type(v1::BUILD_TYPE_RUNTIME_CMD);
    request.mutable_build()->set_start_command("python3 -m http.server $PORT");
    return request;
}

v1::ApplicationActionRequest actionRequest(const std::string &application)
{
    v1::ApplicationActionRequest request;
    request.set_application(application);
    return request;
}

v1::GetApplicationRequest applicationRequest(const std::string &application)
{
    v1::GetApplicationRequest request;
    request.set_application(application);
    return request;
}

v1::ListEnvVarsRequest envRequest(const std::string &application)
{
    v1::ListEnvVarsRequest request;
    request.set_application(application);
    return request;
}

v1::SetEnvVarsRequest setEnvRequest(const std::string &application,
                                    const std::vector<std::pair<std::string, std::string>> &vars)
{
    v1::SetEnvVarsRequest request;
    request.set_application(application);
    for (const auto &[key, value] : vars) {
        v1::EnvVar *var = request.add_env();
        var->set_key(key);
        var->set_value(value);
    }
    return request;
}

v1::UnsetEnvVarsRequest unsetEnvRequest(const std::string &application, const std::vector<std::string> &keys)
{
    v1::UnsetEnvVarsRequest request;
    request.set_application(application);
    for (const std::string &key : keys)
        request.add_keys(key);
    return request;
}

QStringList names(const google::protobuf::RepeatedPtrField<v1::Application> &applications)
{
    QStringList list;
    for (const v1::Application &application : applications)
        list.append(QString::fromStdString(application.name()));
    return list;
}

QStringList strings(const google::protobuf::RepeatedPtrField<std::string> &texts)
{
    QStringList list;
    for (const std::string &text : texts)
        list.append(QString::fromStdString(text));
    return list;
}

bool equal(const google::protobuf::Message &a, const google::protobuf::Message &b)
{
    return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

// Debian's gRPC serves grpc.health.v1.Health but ships no health.proto. On the wire its HealthCheckRequest
// ({string service = 1}) and HealthCheckResponse ({ServingStatus status = 1}) are these well-known wrappers.
constexpr int kHealthServing = 1;

Result<google::protobuf::Int32Value> checkHealth(const std::shared_ptr<grpc::Channel> &channel)
{
    grpc::TemplatedGenericStub<google::protobuf::StringValue, google::protobuf::Int32Value> stub(channel);
    const google::protobuf::StringValue wholeServer;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    Result<google::protobuf::Int32Value> result;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &wholeServer,
                   &result.response, [&done](grpc::Status status) { done.set_value(std::move(status)); });
    result.status = done.get_future().get();
    return result;
}

// grpc.reflection.v1alpha.ServerReflection, spoken without its generated code (Debian ships none): a request
// with list_services (field 7) set, and the response's list_services_response (field 6) of ServiceResponse
// entries (field 1) with their name (field 1). Empty messages carry the fields as unknown fields.
class ListServicesCall final
    : public grpc::ClientBidiReactor<google::protobuf::Empty, google::protobuf::Empty> {
public:
    explicit ListServicesCall(const std::shared_ptr<grpc::Channel> &channel)
        : m_stub(channel)
    {
        m_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        m_request.GetReflection()->MutableUnknownFields(&m_request)->AddLengthDelimited(7, "*");
        m_stub.PrepareBidiStreamingCall(&m_context,
                                        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                        grpc::StubOptions(), this);
        StartWriteLast(&m_request, grpc::WriteOptions());
        StartRead(&m_response);
        StartCall();
    }

    Result<QStringList> services()
    {
        Result<QStringList> result;
        result.status = m_done.get_future().get();
        const auto &fields = m_response.GetReflection()->GetUnknownFields(m_response);
        for (int i = 0; i < fields.field_count(); ++i) {
            if (fields.field(i).number() != 6)
                continue;
            google::protobuf::UnknownFieldSet list;
            list.ParseFromString(fields.field(i).length_delimited());
            for (int j = 0; j < list.field_count(); ++j) {
                google::protobuf::UnknownFieldSet service;
                if (service.ParseFromString(list.field(j).length_delimited()) && service.field_count() > 0)
                    result.response.append(QString::fromStdString(service.field(0).length_delimited()));
            }
        }
        return result;
    }

    void OnDone(const grpc::Status &status) override { m_done.set_value(status); }

private:
    grpc::TemplatedGenericStub<google::protobuf::Empty, google::protobuf::Empty> m_stub;
    grpc::ClientContext m_context;
    google::protobuf::Empty m_request;
    google::protobuf::Empty m_response;
    std::promise<grpc::Status> m_done;
};

// One thing a member might try on an application that is not theirs.
using Attempt = std::function<grpc::Status(const Client &member, const v1::Application &target)>;

// Changes a valid CreateApplicationRequest into an invalid one.
using Spoil = std::function<void(v1::CreateApplicationRequest &request)>;

} // namespace

Q_DECLARE_METATYPE(Attempt)
Q_DECLARE_METATYPE(Spoil)
Q_DECLARE_METATYPE(grpc::StatusCode)

class TestApi : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void healthServiceServes();
    void reflectionListsTheServices();
    void systemInfoNamesTheCaller();

    void refusesUnauthenticatedCalls_data();
    void refusesUnauthenticatedCalls();

    void usersLifecycle();
    void memberSeesOnlyThemselvesAmongUsers();
    void tokensLifecycle();
    void repositoriesLifecycle();
    void applicationsLifecycle();
    void envVarsChangeTheConfigHash();
    void listApplicationsPages();
    void memberListsOnlyOwnApplications();

    void memberCannotTouchOthersApplication_data();
    void memberCannotTouchOthersApplication();

    void invalidApplicationIsRefused_data();
    void invalidApplicationIsRefused();
    void websiteTakenByAnotherApplication();
    void runtimeApplicationsAreStartedStoppedAndRolledBack();

private:
    Client tokenClient(const std::string &user);

    tests::ServerProcess m_server;
    std::shared_ptr<grpc::Channel> m_channel;
    Client m_admin;
    Client m_alice;
    Client m_bob;
    v1::Application m_aliceApp;
};

Client TestApi::tokenClient(const std::string &user)
{
    const auto token = m_admin.call(&Tokens::CreateToken, newToken(user));
    if (!token.status.ok())
        qWarning("cannot create a token for %s: %s", user.c_str(), describe(token.status).constData());
    return Client::withToken(m_channel, token.response.secret());
}

void TestApi::initTestCase()
{
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    m_channel = grpc::CreateChannel(m_server.grpcAddress().toStdString(), grpc::InsecureChannelCredentials());
    m_admin = Client::withToken(m_channel, m_server.adminToken().toStdString());

    for (const std::string name : {"alice", "bob"})
        VERIFY_OK(m_admin.call(&Users::CreateUser, newUser(name)));
    m_alice = tokenClient("alice");
    m_bob = tokenClient("bob");

    VERIFY_OK(m_alice.call(&Repositories::CreateRepository, newRepository("alice-repo")));
    VERIFY_OK(m_bob.call(&Repositories::CreateRepository, newRepository("bob-repo")));
    const auto aliceApp =
        m_alice.call(&Applications::CreateApplication, newApplication("alice-app", "alice-repo"));
    VERIFY_OK(aliceApp);
    m_aliceApp = aliceApp.response;
    VERIFY_OK(m_bob.call(&Applications::CreateApplication, newApplication("bob-app", "bob-repo")));
}

void TestApi::cleanupTestCase()
{
    QCOMPARE(m_server.stop(), 0);
}

void TestApi::healthServiceServes()
{
    const auto health = checkHealth(m_channel);
    VERIFY_OK(health);
    QCOMPARE(health.response.value(), kHealthServing);
}

void TestApi::reflectionListsTheServices()
{
    ListServicesCall call(m_channel);
    const auto listed = call.services();
    VERIFY_OK(listed);
    for (const QString &service :
         {u"vitrine.v1.UserService"_s, u"vitrine.v1.TokenService"_s, u"vitrine.v1.RepositoryService"_s,
          u"vitrine.v1.ApplicationService"_s, u"vitrine.v1.SystemService"_s, u"grpc.health.v1.Health"_s})
        QVERIFY2(listed.response.contains(service), qPrintable(service));
}

void TestApi::systemInfoNamesTheCaller()
{
    const auto info = m_alice.call(&System::GetSystemInfo, v1::GetSystemInfoRequest());
    VERIFY_OK(info);
    QCOMPARE(info.response.caller().name(), "alice");
    QCOMPARE(info.response.caller().role(), v1::ROLE_MEMBER);
    QCOMPARE(info.response.database(), "sqlite");
    QVERIFY(info.response.allow_local_repos());
    QVERIFY(!info.response.version().empty());
    QVERIFY(info.response.started_at().seconds() <= info.response.server_time().seconds());
}

void TestApi::refusesUnauthenticatedCalls_data()
{
    QTest::addColumn<std::optional<std::string>>("authorization");

    QTest::newRow("no metadata") << std::optional<std::string>();
    QTest::newRow("empty") << std::optional<std::string>("");
    QTest::newRow("garbage token") << std::optional<std::string>("Bearer vtr_notatokenthisserverevergaveout");
    QTest::newRow("scheme without token") << std::optional<std::string>("Bearer");
    QTest::newRow("other scheme") << std::optional<std::string>("Basic YWRtaW46YWRtaW4=");
}

void TestApi::refusesUnauthenticatedCalls()
{
    QFETCH(std::optional<std::string>, authorization);
    const Client stranger(m_channel, authorization);

    const auto whoAmI = stranger.call(&Users::WhoAmI, v1::WhoAmIRequest());
    VERIFY_CODE(whoAmI, grpc::StatusCode::UNAUTHENTICATED);
    QVERIFY(!whoAmI.status.error_message().empty());

    VERIFY_CODE(stranger.call(&Applications::ListApplications, v1::ListApplicationsRequest()),
                grpc::StatusCode::UNAUTHENTICATED);
    VERIFY_CODE(stranger.call(&Users::CreateUser, newUser("intruder", v1::ROLE_ADMIN)),
                grpc::StatusCode::UNAUTHENTICATED);
    v1::GetUserRequest intruder;
    intruder.set_user("intruder");
    VERIFY_CODE(m_admin.call(&Users::GetUser, intruder), grpc::StatusCode::NOT_FOUND);
}

void TestApi::usersLifecycle()
{
    const auto created = m_admin.call(&Users::CreateUser, newUser("carol"));
    VERIFY_OK(created);
    QCOMPARE(created.response.name(), "carol");
    QCOMPARE(created.response.role(), v1::ROLE_MEMBER);
    QVERIFY(!created.response.id().empty());
    VERIFY_CODE(m_admin.call(&Users::CreateUser, newUser("carol")), grpc::StatusCode::ALREADY_EXISTS);

    v1::GetUserRequest byId;
    byId.set_user(created.response.id());
    const auto fetched = m_admin.call(&Users::GetUser, byId);
    VERIFY_OK(fetched);
    QVERIFY(equal(fetched.response, created.response));

    const auto listed = m_admin.call(&Users::ListUsers, v1::ListUsersRequest());
    VERIFY_OK(listed);
    QStringList userNames;
    for (const v1::User &user : listed.response.users())
        userNames.append(QString::fromStdString(user.name()));
    QCOMPARE(userNames, QStringList({u"admin"_s, u"alice"_s, u"bob"_s, u"carol"_s}));

    v1::UpdateUserRequest promote;
    promote.set_user("carol");
    promote.set_role(v1::ROLE_ADMIN);
    const auto promoted = m_admin.call(&Users::UpdateUser, promote);
    VERIFY_OK(promoted);
    QCOMPARE(promoted.response.role(), v1::ROLE_ADMIN);

    const Client carol = tokenClient("carol");
    const auto carolSelf = carol.call(&Users::WhoAmI, v1::WhoAmIRequest());
    VERIFY_OK(carolSelf);
    QCOMPARE(carolSelf.response.role(), v1::ROLE_ADMIN);

    v1::DeleteUserRequest remove;
    remove.set_user("carol");
    VERIFY_OK(m_admin.call(&Users::DeleteUser, remove));
    v1::GetUserRequest byName;
    byName.set_user("carol");
    VERIFY_CODE(m_admin.call(&Users::GetUser, byName), grpc::StatusCode::NOT_FOUND);
    // A deleted user's tokens die with them.
    VERIFY_CODE(carol.call(&Users::WhoAmI, v1::WhoAmIRequest()), grpc::StatusCode::UNAUTHENTICATED);

    const auto badName = m_admin.call(&Users::CreateUser, newUser("Not_A_Label"));
    VERIFY_CODE(badName, grpc::StatusCode::INVALID_ARGUMENT);
    QVERIFY2(badName.status.error_message().starts_with("name"), describe(badName.status).constData());
}

void TestApi::memberSeesOnlyThemselvesAmongUsers()
{
    const auto listed = m_alice.call(&Users::ListUsers, v1::ListUsersRequest());
    VERIFY_OK(listed);
    QCOMPARE(listed.response.users_size(), 1);
    QCOMPARE(listed.response.users(0).name(), "alice");

    v1::GetUserRequest bob;
    bob.set_user("bob");
    VERIFY_REFUSED(m_alice.call(&Users::GetUser, bob));
    VERIFY_CODE(m_alice.call(&Users::CreateUser, newUser("mallory")), grpc::StatusCode::PERMISSION_DENIED);
    v1::UpdateUserRequest promoteSelf;
    promoteSelf.set_user("alice");
    promoteSelf.set_role(v1::ROLE_ADMIN);
    VERIFY_CODE(m_alice.call(&Users::UpdateUser, promoteSelf), grpc::StatusCode::PERMISSION_DENIED);
}

void TestApi::tokensLifecycle()
{
    const auto created = m_alice.call(&Tokens::CreateToken, newToken(""));
    VERIFY_OK(created);
    QCOMPARE(created.response.token().user_name(), "alice");
    QVERIFY(!created.response.secret().empty());
    QVERIFY(!created.response.token().has_expires_at());
    QVERIFY(!created.response.token().has_revoked_at());
    const Client laptop = Client::withToken(m_channel, created.response.secret());
    const auto self = laptop.call(&Users::WhoAmI, v1::WhoAmIRequest());
    VERIFY_OK(self);
    QCOMPARE(self.response.name(), "alice");

    const auto active = m_alice.call(&Tokens::ListTokens, v1::ListTokensRequest());
    VERIFY_OK(active);
    QVERIFY(std::ranges::any_of(active.response.tokens(), [&](const v1::Token &token) {
        return token.id() == created.response.token().id();
    }));

    VERIFY_REFUSED(m_alice.call(&Tokens::CreateToken, newToken("bob")));
    v1::CreateTokenRequest expired = newToken("");
    expired.mutable_expires_at()->set_seconds(QDateTime::currentSecsSinceEpoch() - 3600);
    const auto expiredResult = m_alice.call(&Tokens::CreateToken, expired);
    VERIFY_CODE(expiredResult, grpc::StatusCode::INVALID_ARGUMENT);
    QVERIFY2(expiredResult.status.error_message().starts_with("expires_at"),
             describe(expiredResult.status).constData());

    v1::RevokeTokenRequest revoke;
    revoke.set_id(created.response.token().id());
    VERIFY_REFUSED(m_bob.call(&Tokens::RevokeToken, revoke));
    VERIFY_OK(laptop.call(&Users::WhoAmI, v1::WhoAmIRequest()));
    const auto revoked = m_alice.call(&Tokens::RevokeToken, revoke);
    VERIFY_OK(revoked);
    QVERIFY(revoked.response.has_revoked_at());
    VERIFY_CODE(laptop.call(&Users::WhoAmI, v1::WhoAmIRequest()), grpc::StatusCode::UNAUTHENTICATED);
    VERIFY_OK(m_alice.call(&Tokens::RevokeToken, revoke));

    const auto stillActive = m_alice.call(&Tokens::ListTokens, v1::ListTokensRequest());
    VERIFY_OK(stillActive);
    QVERIFY(std::ranges::none_of(stillActive.response.tokens(),
                                 [&](const v1::Token &token) { return token.id() == revoke.id(); }));
    v1::ListTokensRequest everything;
    everything.set_include_inactive(true);
    const auto all = m_alice.call(&Tokens::ListTokens, everything);
    VERIFY_OK(all);
    QVERIFY(std::ranges::any_of(all.response.tokens(), [&](const v1::Token &token) {
        return token.id() == revoke.id() && token.has_revoked_at();
    }));
}

void TestApi::repositoriesLifecycle()
{
    v1::CreateRepositoryRequest request = newRepository("alice-docs");
    request.set_webhook_secret("s3cret");
    const auto created = m_alice.call(&Repositories::CreateRepository, request);
    VERIFY_OK(created);
    QCOMPARE(created.response.url(), request.url());
    QVERIFY(created.response.has_webhook_secret());
    QCOMPARE(strings(created.response.owners()), QStringList{u"alice"_s});
    VERIFY_CODE(m_bob.call(&Repositories::CreateRepository, newRepository("alice-docs")),
                grpc::StatusCode::ALREADY_EXISTS);

    v1::GetRepositoryRequest byId;
    byId.set_repository(created.response.id());
    const auto fetched = m_alice.call(&Repositories::GetRepository, byId);
    VERIFY_OK(fetched);
    QVERIFY(equal(fetched.response, created.response));
    VERIFY_REFUSED(m_bob.call(&Repositories::GetRepository, byId));

    const auto aliceList = m_alice.call(&Repositories::ListRepositories, v1::ListRepositoriesRequest());
    VERIFY_OK(aliceList);
    QStringList aliceRepositories;
    for (const v1::Repository &repository : aliceList.response.repositories())
        aliceRepositories.append(QString::fromStdString(repository.name()));
    QCOMPARE(aliceRepositories, QStringList({u"alice-docs"_s, u"alice-repo"_s}));

    v1::UpdateRepositoryRequest update;
    update.set_repository("alice-docs");
    update.set_url("git@git.example.com:club/alice-docs.git");
    update.set_webhook_secret("");
    VERIFY_REFUSED(m_bob.call(&Repositories::UpdateRepository, update));
    const auto updated = m_alice.call(&Repositories::UpdateRepository, update);
    VERIFY_OK(updated);
    QCOMPARE(updated.response.url(), update.url());
    QVERIFY(!updated.response.has_webhook_secret());

    v1::UpdateRepositoryRequest badUrl;
    badUrl.set_repository("alice-docs");
    badUrl.set_url("ftp://git.example.com/alice-docs.git");
    const auto refused = m_alice.call(&Repositories::UpdateRepository, badUrl);
    VERIFY_CODE(refused, grpc::StatusCode::INVALID_ARGUMENT);
    QVERIFY2(refused.status.error_message().starts_with("url"), describe(refused.status).constData());

    v1::DeleteRepositoryRequest removeInUse;
    removeInUse.set_repository("alice-repo");
    VERIFY_CODE(m_alice.call(&Repositories::DeleteRepository, removeInUse),
                grpc::StatusCode::FAILED_PRECONDITION);

    v1::DeleteRepositoryRequest remove;
    remove.set_repository("alice-docs");
    VERIFY_REFUSED(m_bob.call(&Repositories::DeleteRepository, remove));
    VERIFY_OK(m_alice.call(&Repositories::DeleteRepository, remove));
    VERIFY_CODE(m_alice.call(&Repositories::GetRepository, byId), grpc::StatusCode::NOT_FOUND);
}

void TestApi::applicationsLifecycle()
{
    v1::CreateApplicationRequest request = newApplication("alice-blog", "alice-repo");
    request.mutable_build()->set_type(v1::BUILD_TYPE_STATIC_CMD);
    request.mutable_build()->set_build_command("make html");
    request.mutable_build()->set_artifact_dir("public");
    const auto created = m_alice.call(&Applications::CreateApplication, request);
    VERIFY_OK(created);
    const v1::Application &blog = created.response;
    QCOMPARE(blog.name(), "alice-blog");
    QCOMPARE(blog.repository_name(), "alice-repo");
    QCOMPARE(blog.ref(), "main");
    QCOMPARE(blog.deploy_type(), v1::DEPLOY_TYPE_STATIC);
    QCOMPARE(blog.build().type(), v1::BUILD_TYPE_STATIC_CMD);
    QCOMPARE(blog.build().build_command(), "make html");
    QCOMPARE(strings(blog.owners()), QStringList{u"alice"_s});
    QCOMPARE(blog.websites_size(), 1);
    QCOMPARE(blog.websites(0).fqdn(), "alice-blog.localhost");
    QCOMPARE(blog.websites(0).path_prefix(), "/");
    QVERIFY(!blog.config_hash().empty());
    VERIFY_CODE(m_bob.call(&Applications::CreateApplication, newApplication("alice-blog", "bob-repo")),
                grpc::StatusCode::ALREADY_EXISTS);

    const auto byId = m_alice.call(&Applications::GetApplication, applicationRequest(blog.id()));
    VERIFY_OK(byId);
    QVERIFY(equal(byId.response, blog));

    // Websites and the ref are not part of the build config: the hash stays.
    v1::UpdateApplicationRequest moveSite;
    moveSite.set_application("alice-blog");
    moveSite.set_ref("release/1.0");
    v1::Website *website = moveSite.mutable_websites()->add_items();
    website->set_fqdn("blog.alice.localhost");
    website->set_path_prefix("/posts");
    website->set_strip_prefix(true);
    const auto moved = m_alice.call(&Applications::UpdateApplication, moveSite);
    VERIFY_OK(moved);
    QCOMPARE(moved.response.ref(), "release/1.0");
    QCOMPARE(moved.response.websites_size(), 1);
    QCOMPARE(moved.response.websites(0).fqdn(), "blog.alice.localhost");
    QCOMPARE(moved.response.websites(0).path_prefix(), "/posts");
    QVERIFY(moved.response.websites(0).strip_prefix());
    QCOMPARE(moved.response.build().build_command(), "make html");
    QCOMPARE(moved.response.config_hash(), blog.config_hash());

    v1::UpdateApplicationRequest rebuild;
    rebuild.set_application(blog.id());
    *rebuild.mutable_build() = blog.build();
    rebuild.mutable_build()->set_build_command("make site");
    const auto rebuilt = m_alice.call(&Applications::UpdateApplication, rebuild);
    VERIFY_OK(rebuilt);
    QCOMPARE(rebuilt.response.build().build_command(), "make site");
    QCOMPARE(rebuilt.response.ref(), "release/1.0");
    QVERIFY(rebuilt.response.config_hash() != blog.config_hash());

    v1::DeleteApplicationRequest remove;
    remove.set_application("alice-blog");
    VERIFY_OK(m_alice.call(&Applications::DeleteApplication, remove));
    VERIFY_CODE(m_alice.call(&Applications::GetApplication, applicationRequest(blog.id())),
                grpc::StatusCode::NOT_FOUND);
    const auto listed = m_admin.call(&Applications::ListApplications, v1::ListApplicationsRequest());
    VERIFY_OK(listed);
    QVERIFY(!names(listed.response.applications()).contains(u"alice-blog"_s));
}

void TestApi::envVarsChangeTheConfigHash()
{
    const auto created =
        m_alice.call(&Applications::CreateApplication, newApplication("alice-env", "alice-repo"));
    VERIFY_OK(created);
    const std::string originalHash = created.response.config_hash();

    const auto set =
        m_alice.call(&Applications::SetEnvVars,
                     setEnvRequest("alice-env", {{"SITE_TITLE", "Alice"}, {"API_URL", "https://x"}}));
    VERIFY_OK(set);
    QCOMPARE(set.response.env_size(), 2);
    QCOMPARE(set.response.env(0).key(), "API_URL"); // sorted by key
    QCOMPARE(set.response.env(1).key(), "SITE_TITLE");
    QCOMPARE(set.response.env(1).value(), "Alice");
    QVERIFY(set.response.config_hash() != originalHash);

    const auto listed = m_alice.call(&Applications::ListEnvVars, envRequest("alice-env"));
    VERIFY_OK(listed);
    QVERIFY(equal(listed.response, set.response));
    const auto application = m_alice.call(&Applications::GetApplication, applicationRequest("alice-env"));
    VERIFY_OK(application);
    QCOMPARE(application.response.env_var_count(), 2);
    QCOMPARE(application.response.config_hash(), set.response.config_hash());

    const auto badKey =
        m_alice.call(&Applications::SetEnvVars, setEnvRequest("alice-env", {{"lower-case", "x"}}));
    VERIFY_CODE(badKey, grpc::StatusCode::INVALID_ARGUMENT);
    QVERIFY2(badKey.status.error_message().starts_with("env"), describe(badKey.status).constData());
    const auto unknownKey =
        m_alice.call(&Applications::UnsetEnvVars, unsetEnvRequest("alice-env", {"SITE_TITLE", "NOT_SET"}));
    VERIFY_CODE(unknownKey, grpc::StatusCode::INVALID_ARGUMENT);
    const auto unchanged = m_alice.call(&Applications::ListEnvVars, envRequest("alice-env"));
    VERIFY_OK(unchanged);
    QVERIFY(equal(unchanged.response, set.response));

    const auto unset =
        m_alice.call(&Applications::UnsetEnvVars, unsetEnvRequest("alice-env", {"SITE_TITLE", "API_URL"}));
    VERIFY_OK(unset);
    QCOMPARE(unset.response.env_size(), 0);
    QCOMPARE(unset.response.config_hash(), originalHash);
}

void TestApi::listApplicationsPages()
{
    v1::CreateRepositoryRequest repository = newRepository("paged-repo");
    repository.add_owners("bob");
    VERIFY_OK(m_admin.call(&Repositories::CreateRepository, repository));
    const QStringList expected{u"paged-a"_s, u"paged-b"_s, u"paged-c"_s, u"paged-d"_s, u"paged-e"_s};
    for (const QString &name : expected)
        VERIFY_OK(
            m_bob.call(&Applications::CreateApplication, newApplication(name.toStdString(), "paged-repo")));

    v1::ListApplicationsRequest request;
    request.set_repository("paged-repo");
    request.mutable_page()->set_page_size(2);
    QStringList seen;
    int pages = 0;
    do {
        const auto page = m_bob.call(&Applications::ListApplications, request);
        VERIFY_OK(page);
        QVERIFY(page.response.applications_size() <= 2);
        seen += names(page.response.applications());
        request.mutable_page()->set_page_token(page.response.next_page_token());
        ++pages;
    } while (!request.page().page_token().empty() && pages <= expected.size());
    QCOMPARE(seen, expected);
    QCOMPARE(pages, 3);

    request.mutable_page()->set_page_token("not-a-token");
    const auto badToken = m_bob.call(&Applications::ListApplications, request);
    VERIFY_CODE(badToken, grpc::StatusCode::INVALID_ARGUMENT);
    QVERIFY2(badToken.status.error_message().starts_with("page.page_token"),
             describe(badToken.status).constData());
}

void TestApi::memberListsOnlyOwnApplications()
{
    const auto listed = m_alice.call(&Applications::ListApplications, v1::ListApplicationsRequest());
    VERIFY_OK(listed);
    QVERIFY(listed.response.applications_size() > 0);
    for (const v1::Application &application : listed.response.applications())
        QVERIFY2(strings(application.owners()).contains(u"alice"_s), application.name().c_str());
    QVERIFY(!names(listed.response.applications()).contains(u"bob-app"_s));

    const auto all = m_admin.call(&Applications::ListApplications, v1::ListApplicationsRequest());
    VERIFY_OK(all);
    QVERIFY(names(all.response.applications()).contains(u"bob-app"_s));
    QVERIFY(names(all.response.applications()).contains(u"alice-app"_s));
}

void TestApi::memberCannotTouchOthersApplication_data()
{
    QTest::addColumn<Attempt>("attempt");

    QTest::newRow("get by name") << Attempt([](const Client &member, const v1::Application &target) {
        return member.call(&Applications::GetApplication, applicationRequest(target.name())).status;
    });
    QTest::newRow("get by id") << Attempt([](const Client &member, const v1::Application &target) {
        return member.call(&Applications::GetApplication, applicationRequest(target.id())).status;
    });
    QTest::newRow("update ref") << Attempt([](const Client &member, const v1::Application &target) {
        v1::UpdateApplicationRequest request;
        request.set_application(target.id());
        request.set_ref("hijacked");
        return member.call(&Applications::UpdateApplication, request).status;
    });
    QTest::newRow("take ownership") << Attempt([](const Client &member, const v1::Application &target) {
        v1::UpdateApplicationRequest request;
        request.set_application(target.name());
        request.mutable_owners()->add_names("bob");
        return member.call(&Applications::UpdateApplication, request).status;
    });
    QTest::newRow("delete") << Attempt([](const Client &member, const v1::Application &target) {
        v1::DeleteApplicationRequest request;
        request.set_application(target.name());
        return member.call(&Applications::DeleteApplication, request).status;
    });
    QTest::newRow("list env") << Attempt([](const Client &member, const v1::Application &target) {
        return member.call(&Applications::ListEnvVars, envRequest(target.name())).status;
    });
    QTest::newRow("set env") << Attempt([](const Client &member, const v1::Application &target) {
        return member.call(&Applications::SetEnvVars, setEnvRequest(target.name(), {{"INJECTED", "1"}}))
            .status;
    });
    QTest::newRow("stop") << Attempt([](const Client &member, const v1::Application &target) {
        return member.call(&Applications::StopApplication, actionRequest(target.name())).status;
    });
    QTest::newRow("start") << Attempt([](const Client &member, const v1::Application &target) {
        return member.call(&Applications::StartApplication, actionRequest(target.id())).status;
    });
    QTest::newRow("restart") << Attempt([](const Client &member, const v1::Application &target) {
        return member.call(&Applications::RestartApplication, actionRequest(target.name())).status;
    });
    QTest::newRow("roll back") << Attempt([](const Client &member, const v1::Application &target) {
        v1::RollbackApplicationRequest request;
        request.set_application(target.name());
        request.set_build_id("bld_aaaaaaaaaaaaaaaaaaaaaaaaaa");
        return member.call(&Applications::RollbackApplication, request).status;
    });
    QTest::newRow("create on their repository") << Attempt(
        [](const Client &member, const v1::Application &target) {
            return member
                .call(&Applications::CreateApplication, newApplication("bob-sneaky", target.repository_id()))
                .status;
        });
}

void TestApi::memberCannotTouchOthersApplication()
{
    QFETCH(Attempt, attempt);
    const auto before = m_admin.call(&Applications::GetApplication, applicationRequest(m_aliceApp.id()));
    VERIFY_OK(before);
    const auto envBefore = m_admin.call(&Applications::ListEnvVars, envRequest(m_aliceApp.id()));
    VERIFY_OK(envBefore);

    VERIFY_REFUSED(attempt(m_bob, m_aliceApp));

    const auto after = m_admin.call(&Applications::GetApplication, applicationRequest(m_aliceApp.id()));
    VERIFY_OK(after);
    QVERIFY(equal(after.response, before.response));
    const auto envAfter = m_admin.call(&Applications::ListEnvVars, envRequest(m_aliceApp.id()));
    VERIFY_OK(envAfter);
    QVERIFY(equal(envAfter.response, envBefore.response));
    VERIFY_CODE(m_admin.call(&Applications::GetApplication, applicationRequest("bob-sneaky")),
                grpc::StatusCode::NOT_FOUND);
}

void TestApi::invalidApplicationIsRefused_data()
{
    QTest::addColumn<Spoil>("spoil");
    QTest::addColumn<grpc::StatusCode>("code");
    QTest::addColumn<QString>("field");

    const auto invalid = grpc::StatusCode::INVALID_ARGUMENT;
    QTest::newRow("name with uppercase")
        << Spoil([](v1::CreateApplicationRequest &r) { r.set_name("Alice-App"); }) << invalid << u"name"_s;
    QTest::newRow("name too long") << Spoil([](v1::CreateApplicationRequest &r) {
        r.set_name(std::string(64, 'a'));
    }) << invalid << u"name"_s;
    QTest::newRow("ref with ..") << Spoil([](v1::CreateApplicationRequest &r) { r.set_ref("main..dev"); })
                                 << invalid << u"ref"_s;
    QTest::newRow("no build type") << Spoil([](v1::CreateApplicationRequest &r) { r.clear_build(); })
                                   << invalid << u"build.type"_s;
    QTest::newRow("runtime without start command") << Spoil([](v1::CreateApplicationRequest &r) {
        r.mutable_build()->set_type(v1::BUILD_TYPE_RUNTIME_CMD);
    }) << invalid << u"build.start_command"_s;
    QTest::newRow("port out of range") << Spoil([](v1::CreateApplicationRequest &r) {
        r.mutable_build()->set_type(v1::BUILD_TYPE_RUNTIME_CMD);
        r.mutable_build()->set_start_command("./serve");
        r.mutable_build()->set_port(70000);
    }) << invalid << u"build.port"_s;
    QTest::newRow("env key") << Spoil([](v1::CreateApplicationRequest &r) {
        v1::EnvVar *var = r.add_env();
        var->set_key("1BAD");
        var->set_value("x");
    }) << invalid << u"env"_s;
    QTest::newRow("website fqdn") << Spoil([](v1::CreateApplicationRequest &r) {
        r.add_websites()->set_fqdn("not a host");
    }) << invalid << u"websites[0].fqdn"_s;
    QTest::newRow("second website path") << Spoil([](v1::CreateApplicationRequest &r) {
        r.add_websites()->set_fqdn("fine.localhost");
        v1::Website *website = r.add_websites();
        website->set_fqdn("fine.localhost");
        website->set_path_prefix("/docs/../admin");
    }) << invalid << u"websites[1].path_prefix"_s;
    QTest::newRow("health check path") << Spoil([](v1::CreateApplicationRequest &r) {
        r = newRuntimeApplication(r.name(), r.repository());
        r.set_health_check_path("healthz");
    }) << invalid << u"health_check_path"_s;
    QTest::newRow("memory limit") << Spoil([](v1::CreateApplicationRequest &r) {
        r = newRuntimeApplication(r.name(), r.repository());
        r.set_memory_limit_mb(4);
    }) << invalid << u"memory_limit_mb"_s;
    QTest::newRow("cpu limit") << Spoil([](v1::CreateApplicationRequest &r) {
        r = newRuntimeApplication(r.name(), r.repository());
        r.set_cpu_millicores(1);
    }) << invalid << u"cpu_millicores"_s;
    QTest::newRow("limit on a static site")
        << Spoil([](v1::CreateApplicationRequest &r) { r.set_memory_limit_mb(256); }) << invalid
        << u"memory_limit_mb"_s;
    QTest::newRow("unknown repository")
        << Spoil([](v1::CreateApplicationRequest &r) { r.set_repository("no-such-repo"); }) << invalid
        << u"repository"_s;
}

void TestApi::invalidApplicationIsRefused()
{
    QFETCH(Spoil, spoil);
    QFETCH(grpc::StatusCode, code);
    QFETCH(QString, field);

    v1::CreateApplicationRequest request = newApplication("alice-invalid", "alice-repo");
    spoil(request);
    const auto refused = m_alice.call(&Applications::CreateApplication, request);
    VERIFY_CODE(refused, code);
    QVERIFY2(QString::fromStdString(refused.status.error_message()).contains(field),
             describe(refused.status).constData());

    const auto listed = m_admin.call(&Applications::ListApplications, v1::ListApplicationsRequest());
    VERIFY_OK(listed);
    QVERIFY(!names(listed.response.applications()).contains(QString::fromStdString(request.name())));
}

void TestApi::websiteTakenByAnotherApplication()
{
    v1::CreateApplicationRequest shop = newApplication("alice-shop", "alice-repo");
    shop.add_websites()->set_fqdn("shop.localhost");
    VERIFY_OK(m_alice.call(&Applications::CreateApplication, shop));

    v1::CreateApplicationRequest copycat = newApplication("bob-shop", "bob-repo");
    copycat.add_websites()->set_fqdn("shop.localhost");
    const auto taken = m_bob.call(&Applications::CreateApplication, copycat);
    VERIFY_CODE(taken, grpc::StatusCode::ALREADY_EXISTS);
    QVERIFY2(taken.status.error_message().find("alice-shop") != std::string::npos,
             describe(taken.status).constData());
    VERIFY_CODE(m_bob.call(&Applications::GetApplication, applicationRequest("bob-shop")),
                grpc::StatusCode::NOT_FOUND);

    v1::UpdateApplicationRequest move;
    move.set_application("bob-app");
    move.mutable_websites()->add_items()->set_fqdn("shop.localhost");
    const auto moved = m_bob.call(&Applications::UpdateApplication, move);
    VERIFY_CODE(moved, grpc::StatusCode::ALREADY_EXISTS);
    QVERIFY2(moved.status.error_message().find("alice-shop") != std::string::npos,
             describe(moved.status).constData());

    // The same host under another path is a different website.
    move.mutable_websites()->mutable_items(0)->set_path_prefix("/bob");
    const auto beside = m_bob.call(&Applications::UpdateApplication, move);
    VERIFY_OK(beside);
    QCOMPARE(beside.response.websites(0).path_prefix(), "/bob");
}

void TestApi::runtimeApplicationsAreStartedStoppedAndRolledBack()
{
    v1::CreateApplicationRequest request = newRuntimeApplication("alice-api", "alice-repo");
    request.set_health_check_path("/healthz");
    request.set_memory_limit_mb(256);
    request.set_cpu_millicores(500);
    const auto created = m_alice.call(&Applications::CreateApplication, request);
    VERIFY_OK(created);
    QCOMPARE(created.response.health_check_path(), "/healthz");
    QCOMPARE(created.response.memory_limit_mb(), 256u);
    QCOMPARE(created.response.cpu_millicores(), 500u);
    QVERIFY(created.response.running());
    // Nothing was built yet, so no instance runs.
    QCOMPARE(created.response.runtime_state(), "missing");
    QCOMPARE(created.response.restart_count(), 0);

    const auto stopped = m_alice.call(&Applications::StopApplication, actionRequest("alice-api"));
    VERIFY_OK(stopped);
    QVERIFY(!stopped.response.running());
    QVERIFY(stopped.response.stopped_reason().empty());
    const auto restartStopped = m_alice.call(&Applications::RestartApplication, actionRequest("alice-api"));
    VERIFY_CODE(restartStopped, grpc::StatusCode::FAILED_PRECONDITION);
    QVERIFY2(restartStopped.status.error_message().find("start it instead") != std::string::npos,
             describe(restartStopped.status).constData());

    const auto started = m_admin.call(&Applications::StartApplication, actionRequest(created.response.id()));
    VERIFY_OK(started);
    QVERIFY(started.response.running());
    VERIFY_OK(m_alice.call(&Applications::RestartApplication, actionRequest("alice-api")));

    // An update changes the limits it names and keeps the rest.
    v1::UpdateApplicationRequest limits;
    limits.set_application("alice-api");
    limits.set_cpu_millicores(2000);
    limits.set_health_check_path("");
    const auto updated = m_alice.call(&Applications::UpdateApplication, limits);
    VERIFY_OK(updated);
    QCOMPARE(updated.response.cpu_millicores(), 2000u);
    QCOMPARE(updated.response.memory_limit_mb(), 256u);
    QVERIFY(updated.response.health_check_path().empty());
    QCOMPARE(updated.response.config_hash(), created.response.config_hash());

    v1::RollbackApplicationRequest rollback;
    rollback.set_application("alice-api");
    rollback.set_build_id("bld_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    const auto unknownBuild = m_alice.call(&Applications::RollbackApplication, rollback);
    VERIFY_CODE(unknownBuild, grpc::StatusCode::INVALID_ARGUMENT);
    QVERIFY2(unknownBuild.status.error_message().find("build_id") == 0,
             describe(unknownBuild.status).constData());

    // A static site has no process to start, stop or restart.
    const auto staticStop = m_alice.call(&Applications::StopApplication, actionRequest("alice-app"));
    VERIFY_CODE(staticStop, grpc::StatusCode::FAILED_PRECONDITION);
    QVERIFY2(staticStop.status.error_message().find("static site") != std::string::npos,
             describe(staticStop.status).constData());

    v1::DeleteApplicationRequest remove;
    remove.set_application("alice-api");
    VERIFY_OK(m_alice.call(&Applications::DeleteApplication, remove));
}

QTEST_GUILESS_MAIN(TestApi)
#include "tst_api.moc"
