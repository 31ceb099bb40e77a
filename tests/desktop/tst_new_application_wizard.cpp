#include "client/api_client.h"
#include "client/application_api.h"
#include "client/application_config_api.h"
#include "grpc_calls.h"
#include "server_process.h"
#include "views/application_settings_page.h"
#include "views/environment_page.h"
#include "views/new_application_wizard.h"
#include "vitrine/v1/repositories.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <QAbstractButton>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>
#include <optional>

using vitrine::desktop::ApiClient;
using vitrine::desktop::ApplicationConfig;
using vitrine::desktop::ApplicationSettingsPage;
using vitrine::desktop::ApplicationSummary;
using vitrine::desktop::CallResult;
using vitrine::desktop::ConnectionSettings;
using vitrine::desktop::EnvironmentPage;
using vitrine::desktop::EnvVar;
using vitrine::desktop::NewApplicationWizard;

namespace {

constexpr int kTimeout = 30'000;
const QString kRepository = QStringLiteral("site-repo");

// Waits for a call's result while the event loop runs, as a view would.
template<typename T, typename Call>
std::optional<CallResult<T>> await(Call call)
{
    std::optional<CallResult<T>> result;
    QObject receiver;
    call(&receiver, [&result](const CallResult<T> &done) { result = done; });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, kTimeout))
        return std::nullopt;
    return result;
}

QTableWidget *tableIn(const QWidget &parent, const QString &name)
{
    return parent.findChild<QTableWidget *>(name);
}

} // namespace

class NewApplicationWizardTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void showsTheServersMessageOnARefusedWebsite();
    void createsTheApplication();
    void savesEnvironmentVariables();
    void keepsABadKeyFromTheServer();
    void showsARefusedSettingOnItsField();

private:
    // Fills the wizard's pages up to the environment page with an app `name` served at `fqdn`.
    void fillWizard(NewApplicationWizard &wizard, const QString &name, const QString &fqdn);
    void createStaticApplication(const QString &name);

    vitrine::tests::ServerProcess m_server;
    QTemporaryDir m_repositoryDir;
    std::unique_ptr<ApiClient> m_api;
};

void NewApplicationWizardTest::initTestCase()
{
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    QVERIFY(m_repositoryDir.isValid());
    const auto channel =
        grpc::CreateChannel(m_server.grpcAddress().toStdString(), grpc::InsecureChannelCredentials());
    vitrine::v1::CreateRepositoryRequest request;
    request.set_name(kRepository.toStdString());
    request.set_url(m_repositoryDir.path().toStdString());
    vitrine::v1::Repository repository;
    VERIFY_OK(vitrine::tests::call(channel, m_server.adminToken().toStdString(),
                                   &vitrine::v1::RepositoryService::Stub::CreateRepository, request,
                                   &repository));
}

void NewApplicationWizardTest::init()
{
    ConnectionSettings settings;
    settings.serverAddress = m_server.grpcAddress();
    settings.token = m_server.adminToken();
    m_api = std::make_unique<ApiClient>(settings);
}

void NewApplicationWizardTest::cleanup()
{
    m_api.reset();
}

void NewApplicationWizardTest::fillWizard(NewApplicationWizard &wizard, const QString &name,
                                          const QString &fqdn)
{
    auto *repository = wizard.findChild<QComboBox *>(QStringLiteral("repositoryCombo"));
    QTRY_VERIFY_WITH_TIMEOUT(repository->findData(kRepository) >= 0, kTimeout);
    repository->setCurrentIndex(repository->findData(kRepository));
    wizard.findChild<QLineEdit *>(QStringLiteral("nameField"))->setText(name);
    wizard.next();
    QCOMPARE(wizard.currentId(), int(NewApplicationWizard::BuildPageId));
    wizard.next();
    QCOMPARE(wizard.currentId(), int(NewApplicationWizard::WebsitesPageId));
    wizard.findChild<QPushButton *>(QStringLiteral("addWebsiteButton"))->click();
    tableIn(wizard, QStringLiteral("websitesTable"))->item(0, 0)->setText(fqdn);
    wizard.next();
    QCOMPARE(wizard.currentId(), int(NewApplicationWizard::EnvironmentPageId));
}

void NewApplicationWizardTest::createStaticApplication(const QString &name)
{
    ApplicationConfig config;
    config.name = name;
    config.repository = kRepository;
    config.ref = QStringLiteral("main");
    config.buildType = QStringLiteral("static");
    const auto created = await<QString>([&](QObject *receiver, auto done) {
        vitrine::desktop::createApplication(*m_api, receiver, config, done);
    });
    QVERIFY(created);
    QVERIFY2(created->ok(), qPrintable(created->error));
}

void NewApplicationWizardTest::showsTheServersMessageOnARefusedWebsite()
{
    NewApplicationWizard wizard(*m_api, QStringLiteral("http://127.0.0.1:8081/webhooks/"));
    wizard.show();
    QSignalSpy created(&wizard, &NewApplicationWizard::applicationCreated);
    fillWizard(wizard, QStringLiteral("refused"), QStringLiteral("blog_site.localhost"));
    if (QTest::currentTestFailed())
        return;

    QAbstractButton *create = wizard.button(QWizard::FinishButton);
    QVERIFY(create->isEnabled());
    create->click();
    // Waiting for the server leaves the wizard usable, with Create disabled.
    QVERIFY(!create->isEnabled());

    QTRY_COMPARE_WITH_TIMEOUT(wizard.currentId(), int(NewApplicationWizard::WebsitesPageId), kTimeout);
    const QString problem = QStringLiteral("label 'blog_site' may contain only a-z, 0-9 and '-'");
    QTableWidget *websites = tableIn(wizard, QStringLiteral("websitesTable"));
    QCOMPARE(websites->item(0, 0)->toolTip(), problem);
    auto *message = wizard.findChild<QLabel *>(QStringLiteral("websitesTableError"));
    QVERIFY(message->isVisible());
    QCOMPARE(message->text(), QStringLiteral("Website 1: %1").arg(problem));
    QVERIFY(created.isEmpty());
    QVERIFY(wizard.isVisible());
}

void NewApplicationWizardTest::createsTheApplication()
{
    NewApplicationWizard wizard(*m_api, QStringLiteral("http://127.0.0.1:8081/webhooks/"));
    wizard.show();
    QSignalSpy created(&wizard, &NewApplicationWizard::applicationCreated);
    fillWizard(wizard, QStringLiteral("club-blog"), QStringLiteral("blog.localhost"));
    if (QTest::currentTestFailed())
        return;
    QTableWidget *env = tableIn(wizard, QStringLiteral("envTable"));
    wizard.findChild<QPushButton *>(QStringLiteral("addEnvVarButton"))->click();
    env->item(0, 0)->setText(QStringLiteral("SITE_TITLE"));
    env->item(0, 1)->setText(QStringLiteral("Club blog"));

    wizard.button(QWizard::FinishButton)->click();
    QTRY_COMPARE_WITH_TIMEOUT(created.size(), 1, kTimeout);
    QCOMPARE(created.first().first().toString(), QStringLiteral("club-blog"));
    QCOMPARE(wizard.result(), int(QDialog::Accepted));
    QVERIFY(!wizard.isVisible());

    const auto applications = await<QList<ApplicationSummary>>(
        [&](QObject *receiver, auto done) { vitrine::desktop::listApplications(*m_api, receiver, done); });
    QVERIFY(applications && applications->ok());
    const auto app =
        std::find_if(applications->value->cbegin(), applications->value->cend(),
                     [](const ApplicationSummary &summary) { return summary.name == u"club-blog"; });
    QVERIFY(app != applications->value->cend());
    QCOMPARE(app->repository, kRepository);
    QCOMPARE(app->websites, QStringList{QStringLiteral("blog.localhost")});

    const auto vars = await<QList<EnvVar>>([&](QObject *receiver, auto done) {
        vitrine::desktop::listEnvVars(*m_api, receiver, QStringLiteral("club-blog"), done);
    });
    QVERIFY(vars && vars->ok());
    QCOMPARE(*vars->value, (QList<EnvVar>{{QStringLiteral("SITE_TITLE"), QStringLiteral("Club blog")}}));
}

void NewApplicationWizardTest::savesEnvironmentVariables()
{
    createStaticApplication(QStringLiteral("env-app"));
    if (QTest::currentTestFailed())
        return;

    EnvironmentPage page(*m_api, QStringLiteral("env-app"));
    page.show();
    auto *save = page.findChild<QPushButton *>(QStringLiteral("saveEnvironmentButton"));
    auto *status = page.findChild<QLabel *>(QStringLiteral("environmentStatusLabel"));
    QTableWidget *table = tableIn(page, QStringLiteral("envTable"));
    QTRY_VERIFY_WITH_TIMEOUT(save->isEnabled(), kTimeout);
    QCOMPARE(table->rowCount(), 0);
    QVERIFY(
        page.findChild<QLabel *>(QStringLiteral("environmentNoticeLabel"))->text().contains(u"redeploys"));

    page.findChild<QPushButton *>(QStringLiteral("addEnvVarButton"))->click();
    table->item(0, 0)->setText(QStringLiteral("API_URL"));
    table->item(0, 1)->setText(QStringLiteral("https://api.example.com"));
    save->click();
    QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Saved.")), kTimeout);

    auto vars = await<QList<EnvVar>>([&](QObject *receiver, auto done) {
        vitrine::desktop::listEnvVars(*m_api, receiver, QStringLiteral("env-app"), done);
    });
    QVERIFY(vars && vars->ok());
    QCOMPARE(*vars->value,
             (QList<EnvVar>{{QStringLiteral("API_URL"), QStringLiteral("https://api.example.com")}}));

    // Removing the row unsets the variable.
    table->selectRow(0);
    page.findChild<QPushButton *>(QStringLiteral("removeEnvVarButton"))->click();
    QCOMPARE(table->rowCount(), 0);
    status->clear();
    save->click();
    QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Saved.")), kTimeout);
    vars = await<QList<EnvVar>>([&](QObject *receiver, auto done) {
        vitrine::desktop::listEnvVars(*m_api, receiver, QStringLiteral("env-app"), done);
    });
    QVERIFY(vars && vars->ok());
    QVERIFY(vars->value->isEmpty());
}

void NewApplicationWizardTest::keepsABadKeyFromTheServer()
{
    createStaticApplication(QStringLiteral("key-app"));
    if (QTest::currentTestFailed())
        return;

    EnvironmentPage page(*m_api, QStringLiteral("key-app"));
    page.show();
    auto *save = page.findChild<QPushButton *>(QStringLiteral("saveEnvironmentButton"));
    QTableWidget *table = tableIn(page, QStringLiteral("envTable"));
    QTRY_VERIFY_WITH_TIMEOUT(save->isEnabled(), kTimeout);
    page.findChild<QPushButton *>(QStringLiteral("addEnvVarButton"))->click();
    table->item(0, 0)->setText(QStringLiteral("api-url"));

    auto *error = page.findChild<QLabel *>(QStringLiteral("envErrorLabel"));
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("api-url")), qPrintable(error->text()));
    save->click();
    // Refused here: nothing went to the server.
    QVERIFY(save->isEnabled());
    const auto vars = await<QList<EnvVar>>([&](QObject *receiver, auto done) {
        vitrine::desktop::listEnvVars(*m_api, receiver, QStringLiteral("key-app"), done);
    });
    QVERIFY(vars && vars->ok());
    QVERIFY(vars->value->isEmpty());
}

void NewApplicationWizardTest::showsARefusedSettingOnItsField()
{
    createStaticApplication(QStringLiteral("settings-app"));
    if (QTest::currentTestFailed())
        return;

    ApplicationSettingsPage page(*m_api, QStringLiteral("settings-app"));
    page.show();
    auto *save = page.findChild<QPushButton *>(QStringLiteral("saveSettingsButton"));
    auto *ref = page.findChild<QLineEdit *>(QStringLiteral("refField"));
    QTRY_VERIFY_WITH_TIMEOUT(save->isEnabled(), kTimeout);
    QCOMPARE(ref->text(), QStringLiteral("main"));
    QVERIFY(page.findChild<QLineEdit *>(QStringLiteral("nameField"))->isReadOnly());

    ref->setText(QStringLiteral("release..1"));
    save->click();
    auto *message = page.findChild<QLabel *>(QStringLiteral("refFieldError"));
    QTRY_VERIFY_WITH_TIMEOUT(message->isVisible(), kTimeout);
    QCOMPARE(message->text(), QStringLiteral("'release..1' must not contain '..'"));
    QVERIFY(ref->property("fieldError").toBool());

    ref->setText(QStringLiteral("release"));
    save->click();
    auto *status = page.findChild<QLabel *>(QStringLiteral("settingsStatusLabel"));
    QTRY_COMPARE_WITH_TIMEOUT(status->text(), QStringLiteral("Saved."), kTimeout);
    QVERIFY(!message->isVisible());
    const auto config = await<ApplicationConfig>([&](QObject *receiver, auto done) {
        vitrine::desktop::fetchApplicationConfig(*m_api, receiver, QStringLiteral("settings-app"), done);
    });
    QVERIFY(config && config->ok());
    QCOMPARE(config->value->ref, QStringLiteral("release"));
}

QTEST_MAIN(NewApplicationWizardTest)
#include "tst_new_application_wizard.moc"
