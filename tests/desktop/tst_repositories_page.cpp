#include "client/api_client.h"
#include "grpc_calls.h"
#include "models/repository_list_model.h"
#include "server_process.h"
#include "views/repositories_page.h"
#include "views/repository_dialog.h"
#include "vitrine/v1/applications.grpc.pb.h"
#include "vitrine/v1/repositories.grpc.pb.h"
#include "vitrine/v1/system.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using vitrine::desktop::ApiClient;
using vitrine::desktop::ConnectionSettings;
using vitrine::desktop::RepositoriesPage;
using vitrine::desktop::RepositoryDialog;
using vitrine::desktop::RepositoryListModel;
using vitrine::tests::str;
using Column = RepositoryListModel::Column;

namespace {

constexpr int kTimeout = 30'000;

struct PageParts {
    QTableView *table = nullptr;
    QPushButton *newButton = nullptr;
    QPushButton *editButton = nullptr;
    QPushButton *deleteButton = nullptr;
    QPushButton *webhookButton = nullptr;
    QPushButton *reloadButton = nullptr;
    QLabel *error = nullptr;
};

PageParts partsOf(const RepositoriesPage &page)
{
    return {page.findChild<QTableView *>(QStringLiteral("repositoriesTable")),
            page.findChild<QPushButton *>(QStringLiteral("newRepositoryButton")),
            page.findChild<QPushButton *>(QStringLiteral("editRepositoryButton")),
            page.findChild<QPushButton *>(QStringLiteral("deleteRepositoryButton")),
            page.findChild<QPushButton *>(QStringLiteral("webhookUrlsButton")),
            page.findChild<QPushButton *>(QStringLiteral("reloadRepositoriesButton")),
            page.findChild<QLabel *>(QStringLiteral("repositoriesErrorLabel"))};
}

template<typename Widget>
Widget *part(const QObject &parent, const char *name)
{
    return parent.findChild<Widget *>(QString::fromLatin1(name));
}

QString cell(const QTableView &table, int row, Column column)
{
    return table.model()->index(row, static_cast<int>(column)).data().toString();
}

// A test against one real server, with the page of its admin already loaded.
class Fixture {
public:
    bool start(QString *error)
    {
        if (!m_server.start(error))
            return false;
        ConnectionSettings settings;
        settings.serverAddress = m_server.grpcAddress();
        settings.token = m_server.adminToken();
        m_api = std::make_unique<ApiClient>(settings);
        m_page = std::make_unique<RepositoriesPage>(*m_api);
        m_channel = grpc::CreateChannel(str(m_server.grpcAddress()), grpc::InsecureChannelCredentials());
        vitrine::v1::SystemInfo info;
        const grpc::Status status = vitrine::tests::call(m_channel, str(m_server.adminToken()),
                                                         &vitrine::v1::SystemService::Stub::GetSystemInfo,
                                                         vitrine::v1::GetSystemInfoRequest(), &info);
        if (!status.ok()) {
            *error = QString::fromStdString(status.error_message());
            return false;
        }
        m_webhookBaseUrl = QString::fromStdString(info.webhook_base_url());
        m_page->setWebhookBaseUrl(m_webhookBaseUrl);
        return true;
    }

    RepositoriesPage &page() { return *m_page; }
    const std::shared_ptr<grpc::Channel> &channel() const { return m_channel; }
    std::string token() const { return str(m_server.adminToken()); }
    const QString &webhookBaseUrl() const { return m_webhookBaseUrl; }

private:
    vitrine::tests::ServerProcess m_server;
    std::unique_ptr<ApiClient> m_api;
    std::unique_ptr<RepositoriesPage> m_page;
    std::shared_ptr<grpc::Channel> m_channel;
    QString m_webhookBaseUrl;
};

// Waits for the reload to finish.
bool reloaded(RepositoriesPage &page)
{
    page.reload();
    const PageParts parts = partsOf(page);
    return QTest::qWaitFor([&] { return parts.reloadButton->isEnabled(); }, kTimeout);
}

// Clicks the confirmation's Yes and waits for the delete to finish.
void confirmDelete(RepositoriesPage &page)
{
    auto *confirmation = part<QMessageBox>(page, "deleteRepositoryConfirmation");
    QVERIFY(confirmation);
    QVERIFY(confirmation->isVisible());
    confirmation->button(QMessageBox::Yes)->click();
}

} // namespace

class RepositoriesPageTest : public QObject {
    Q_OBJECT

private slots:
    void createsEditsAndDeletesARepository();
    void showsARefusedFieldUnderIt_data();
    void showsARefusedFieldUnderIt();
    void showsTheServersRefusalToDeleteARepositoryInUse();
};

void RepositoriesPageTest::createsEditsAndDeletesARepository()
{
    Fixture fixture;
    QString error;
    QVERIFY2(fixture.start(&error), qPrintable(error));
    RepositoriesPage &page = fixture.page();
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    const PageParts parts = partsOf(page);
    QVERIFY(parts.table && parts.newButton && parts.editButton && parts.deleteButton && parts.webhookButton &&
            parts.reloadButton && parts.error);
    QAbstractItemModelTester tester(parts.table->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(reloaded(page));
    QCOMPARE(parts.table->model()->rowCount(), 0);
    QVERIFY(!parts.editButton->isEnabled());
    QVERIFY(!parts.deleteButton->isEnabled());

    // Create, first with a URL the server refuses.
    parts.newButton->click();
    auto *dialog = part<RepositoryDialog>(page, "repositoryDialog");
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    auto *urlError = part<QLabel>(*dialog, "repositoryUrlError");
    auto *saveButton = part<QPushButton>(*dialog, "saveRepositoryButton");
    QTest::keyClicks(part<QLineEdit>(*dialog, "repositoryNameField"), QStringLiteral("site"));
    QTest::keyClicks(part<QLineEdit>(*dialog, "repositoryUrlField"),
                     QStringLiteral("ftp://example.org/site"));
    saveButton->click();
    QVERIFY(!saveButton->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(saveButton->isEnabled(), kTimeout);
    QVERIFY(urlError->isVisible());
    QVERIFY2(!urlError->text().isEmpty(), "the URL error is empty");
    QVERIFY(!part<QLabel>(*dialog, "repositoryDialogError")->isVisible());
    QVERIFY(!part<QLabel>(*dialog, "repositoryNameError")->isVisible());
    QCOMPARE(parts.table->model()->rowCount(), 0);

    QTemporaryDir repositoryDir;
    QVERIFY(repositoryDir.isValid());
    auto *urlField = part<QLineEdit>(*dialog, "repositoryUrlField");
    urlField->clear();
    QTest::keyClicks(urlField, repositoryDir.path());
    part<QPushButton>(*dialog, "generateWebhookSecretButton")->click();
    const QString secret = part<QLineEdit>(*dialog, "repositoryWebhookSecretField")->text();
    QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{40}$")).match(secret).hasMatch(),
             qPrintable(secret));
    saveButton->click();

    // The webhook to set up in the forge.
    auto *webhookPage = part<QWidget>(*dialog, "webhookSetupPage");
    QTRY_VERIFY_WITH_TIMEOUT(webhookPage->isVisible(), kTimeout);
    QVERIFY(!urlError->isVisible());
    QCOMPARE(part<QLabel>(*dialog, "webhookSecretLabel")->text(), secret);
    if (!fixture.webhookBaseUrl().isEmpty()) {
        const QString githubUrl = part<QLabel>(*dialog, "githubWebhookUrlLabel")->text();
        QCOMPARE(githubUrl, fixture.webhookBaseUrl() + QStringLiteral("github"));
        QVERIFY2(githubUrl.endsWith(QStringLiteral("webhooks/github")), qPrintable(githubUrl));
        QCOMPARE(part<QLabel>(*dialog, "giteaWebhookUrlLabel")->text(),
                 fixture.webhookBaseUrl() + QStringLiteral("gitea"));
    }
    QCOMPARE(parts.table->model()->rowCount(), 1);
    QCOMPARE(cell(*parts.table, 0, Column::Name), QStringLiteral("site"));
    QCOMPARE(cell(*parts.table, 0, Column::Url), repositoryDir.path());
    QCOMPARE(cell(*parts.table, 0, Column::Webhook), QStringLiteral("yes"));
    QCOMPARE(cell(*parts.table, 0, Column::Owners), QStringLiteral("admin"));
    part<QPushButton>(*dialog, "closeRepositoryDialogButton")->click();
    QTRY_VERIFY(!part<RepositoryDialog>(page, "repositoryDialog"));

    // The webhook URLs of the selected repository.
    parts.table->selectRow(0);
    QVERIFY(parts.webhookButton->isEnabled());
    parts.webhookButton->click();
    auto *webhookBox = part<QMessageBox>(page, "webhookUrlsBox");
    QVERIFY(webhookBox);
    QVERIFY(webhookBox->isVisible());
    if (!fixture.webhookBaseUrl().isEmpty())
        QVERIFY2(webhookBox->text().contains(fixture.webhookBaseUrl() + QStringLiteral("github")),
                 qPrintable(webhookBox->text()));
    webhookBox->button(QMessageBox::Close)->click();

    // Edit the URL.
    QTemporaryDir movedDir;
    QVERIFY(movedDir.isValid());
    parts.editButton->click();
    dialog = part<RepositoryDialog>(page, "repositoryDialog");
    QVERIFY(dialog);
    urlField = part<QLineEdit>(*dialog, "repositoryUrlField");
    QCOMPARE(urlField->text(), repositoryDir.path());
    QVERIFY(!part<QLineEdit>(*dialog, "repositoryNameField"));
    QCOMPARE(part<QLabel>(*dialog, "repositoryNameLabel")->text(), QStringLiteral("site"));
    urlField->clear();
    QTest::keyClicks(urlField, movedDir.path());
    part<QPushButton>(*dialog, "saveRepositoryButton")->click();
    QTRY_COMPARE_WITH_TIMEOUT(cell(*parts.table, 0, Column::Url), movedDir.path(), kTimeout);
    QTRY_VERIFY(!part<RepositoryDialog>(page, "repositoryDialog"));
    QCOMPARE(cell(*parts.table, 0, Column::Webhook), QStringLiteral("yes"));
    QVERIFY(reloaded(page));
    QCOMPARE(cell(*parts.table, 0, Column::Url), movedDir.path());

    // Delete.
    parts.table->selectRow(0);
    parts.deleteButton->click();
    confirmDelete(page);
    QTRY_COMPARE_WITH_TIMEOUT(parts.table->model()->rowCount(), 0, kTimeout);
    QVERIFY(!parts.error->isVisible());
    QVERIFY(reloaded(page));
    QCOMPARE(parts.table->model()->rowCount(), 0);
}

void RepositoriesPageTest::showsARefusedFieldUnderIt_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("owners");
    QTest::addColumn<QString>("errorLabel");

    QTest::newRow("name") << QStringLiteral("Not A Label") << QString() << QString()
                          << QStringLiteral("repositoryNameError");
    QTest::newRow("webhook secret") << QStringLiteral("site") << QString(300, QLatin1Char('s')) << QString()
                                    << QStringLiteral("repositoryWebhookSecretError");
    QTest::newRow("owners") << QStringLiteral("site") << QString() << QStringLiteral("admin, nobody")
                            << QStringLiteral("repositoryOwnersError");
}

void RepositoriesPageTest::showsARefusedFieldUnderIt()
{
    QFETCH(QString, name);
    QFETCH(QString, secret);
    QFETCH(QString, owners);
    QFETCH(QString, errorLabel);

    Fixture fixture;
    QString error;
    QVERIFY2(fixture.start(&error), qPrintable(error));
    RepositoriesPage &page = fixture.page();
    page.show();
    QTemporaryDir repositoryDir;
    QVERIFY(repositoryDir.isValid());

    partsOf(page).newButton->click();
    auto *dialog = part<RepositoryDialog>(page, "repositoryDialog");
    QVERIFY(dialog);
    QTest::keyClicks(part<QLineEdit>(*dialog, "repositoryNameField"), name);
    QTest::keyClicks(part<QLineEdit>(*dialog, "repositoryUrlField"), repositoryDir.path());
    part<QLineEdit>(*dialog, "repositoryWebhookSecretField")->setText(secret);
    QTest::keyClicks(part<QLineEdit>(*dialog, "repositoryOwnersField"), owners);
    auto *saveButton = part<QPushButton>(*dialog, "saveRepositoryButton");
    saveButton->click();
    QTRY_VERIFY_WITH_TIMEOUT(saveButton->isEnabled(), kTimeout);

    auto *label = dialog->findChild<QLabel *>(errorLabel);
    QVERIFY(label);
    QVERIFY(label->isVisible());
    QVERIFY(!label->text().isEmpty());
    QVERIFY(!part<QLabel>(*dialog, "repositoryUrlError")->isVisible());
    QVERIFY(dialog->isVisible());
    QCOMPARE(partsOf(page).table->model()->rowCount(), 0);
}

void RepositoriesPageTest::showsTheServersRefusalToDeleteARepositoryInUse()
{
    Fixture fixture;
    QString error;
    QVERIFY2(fixture.start(&error), qPrintable(error));
    QTemporaryDir repositoryDir;
    QVERIFY(repositoryDir.isValid());

    vitrine::v1::CreateRepositoryRequest repositoryRequest;
    repositoryRequest.set_name("club-site");
    repositoryRequest.set_url(str(repositoryDir.path()));
    vitrine::v1::Repository repository;
    VERIFY_OK(vitrine::tests::call(fixture.channel(), fixture.token(),
                                   &vitrine::v1::RepositoryService::Stub::CreateRepository, repositoryRequest,
                                   &repository));
    vitrine::v1::CreateApplicationRequest applicationRequest;
    applicationRequest.set_name("blog");
    applicationRequest.set_repository(repository.id());
    applicationRequest.set_ref("main");
    applicationRequest.mutable_build()->set_type(vitrine::v1::BUILD_TYPE_STATIC);
    vitrine::v1::Application application;
    VERIFY_OK(vitrine::tests::call(fixture.channel(), fixture.token(),
                                   &vitrine::v1::ApplicationService::Stub::CreateApplication,
                                   applicationRequest, &application));

    RepositoriesPage &page = fixture.page();
    page.show();
    const PageParts parts = partsOf(page);
    QVERIFY(reloaded(page));
    QCOMPARE(parts.table->model()->rowCount(), 1);
    QCOMPARE(cell(*parts.table, 0, Column::Webhook), QStringLiteral("no"));

    parts.table->selectRow(0);
    parts.deleteButton->click();
    confirmDelete(page);
    QTRY_VERIFY_WITH_TIMEOUT(parts.error->isVisible(), kTimeout);
    QVERIFY2(parts.error->text().contains(QStringLiteral("blog")), qPrintable(parts.error->text()));
    QVERIFY2(parts.error->text().contains(QStringLiteral("used by 1 application")),
             qPrintable(parts.error->text()));
    QCOMPARE(parts.table->model()->rowCount(), 1);
    QVERIFY(parts.deleteButton->isEnabled());
}

QTEST_MAIN(RepositoriesPageTest)
#include "tst_repositories_page.moc"
