#include "views/application_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>

using vitrine::desktop::ApplicationConfig;
using vitrine::desktop::ApplicationForm;
using vitrine::desktop::WebsiteConfig;

namespace {

// Every input that depends on the build type.
const QStringList kTypeDependentInputs{
    QStringLiteral("buildCommandField"), QStringLiteral("startCommandField"),
    QStringLiteral("artifactDirField"),  QStringLiteral("dockerfileField"),
    QStringLiteral("contextDirField"),   QStringLiteral("portField"),
    QStringLiteral("spaFallbackCheck"),  QStringLiteral("healthCheckPathField"),
    QStringLiteral("memoryLimitField"),  QStringLiteral("cpuLimitField"),
    QStringLiteral("autoSleepField"),
};

QWidget *input(const ApplicationForm &form, const QString &objectName)
{
    auto *widget = form.findChild<QWidget *>(objectName);
    if (!widget)
        qFatal("no input %s", qPrintable(objectName));
    return widget;
}

QLabel *errorUnder(const ApplicationForm &form, const QString &inputName)
{
    return form.findChild<QLabel *>(inputName + QStringLiteral("Error"));
}

void chooseBuildType(const ApplicationForm &form, const QString &type)
{
    auto *combo = form.findChild<QComboBox *>(QStringLiteral("buildTypeCombo"));
    combo->setCurrentIndex(combo->findData(type));
}

QStringList visibleInputs(const ApplicationForm &form)
{
    QStringList visible;
    for (const QString &name : kTypeDependentInputs) {
        if (input(form, name)->isVisibleTo(&form))
            visible.append(name);
    }
    return visible;
}

ApplicationConfig staticSite()
{
    ApplicationConfig config;
    config.name = QStringLiteral("club-blog");
    config.ref = QStringLiteral("main");
    config.buildType = QStringLiteral("static-cmd");
    config.buildCommand = QStringLiteral("npm ci && npm run build");
    config.artifactDir = QStringLiteral("dist");
    config.contextDir = QStringLiteral("site");
    config.websites = {WebsiteConfig{QStringLiteral("blog.localhost"), QStringLiteral("/"), false},
                       WebsiteConfig{QStringLiteral("club.localhost"), QStringLiteral("/blog"), true}};
    config.spaFallback = true;
    return config;
}

ApplicationConfig runningApp()
{
    ApplicationConfig config;
    config.name = QStringLiteral("shop");
    config.ref = QStringLiteral("refs/tags/v1.2");
    config.buildType = QStringLiteral("runtime-cmd");
    config.buildCommand = QStringLiteral("pip install -r requirements.txt");
    config.startCommand = QStringLiteral("python app.py");
    config.port = 3000;
    config.autoSleepSeconds = 600;
    config.healthCheckPath = QStringLiteral("/healthz");
    config.memoryLimitMb = 256;
    config.cpuMillicores = 500;
    return config;
}

} // namespace

class ApplicationFormTest : public QObject {
    Q_OBJECT

private slots:
    void showsOnlyTheFieldsTheBuildTypeUses_data();
    void showsOnlyTheFieldsTheBuildTypeUses();
    void showsAFieldErrorOnItsInput_data();
    void showsAFieldErrorOnItsInput();
    void showsAWebsiteErrorOnItsCell_data();
    void showsAWebsiteErrorOnItsCell();
    void leavesFieldsOfOtherFormsAlone();
    void clearsFieldErrors();
    void roundTripsAConfig_data();
    void roundTripsAConfig();
    void dropsFieldsTheBuildTypeDoesNotUse();
    void addsAndRemovesWebsites();
};

void ApplicationFormTest::showsOnlyTheFieldsTheBuildTypeUses_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QStringList>("visible");

    const auto runtimeOptions =
        QStringList{QStringLiteral("healthCheckPathField"), QStringLiteral("memoryLimitField"),
                    QStringLiteral("cpuLimitField"), QStringLiteral("autoSleepField")};
    QTest::newRow("static") << QStringLiteral("static")
                            << QStringList{QStringLiteral("artifactDirField"),
                                           QStringLiteral("spaFallbackCheck")};
    QTest::newRow("static-cmd") << QStringLiteral("static-cmd")
                                << QStringList{QStringLiteral("buildCommandField"),
                                               QStringLiteral("artifactDirField"),
                                               QStringLiteral("contextDirField"),
                                               QStringLiteral("spaFallbackCheck")};
    QTest::newRow("static-dockerfile")
        << QStringLiteral("static-dockerfile")
        << QStringList{QStringLiteral("artifactDirField"), QStringLiteral("dockerfileField"),
                       QStringLiteral("contextDirField"), QStringLiteral("spaFallbackCheck")};
    QTest::newRow("runtime-cmd") << QStringLiteral("runtime-cmd")
                                 << QStringList{QStringLiteral("buildCommandField"),
                                                QStringLiteral("startCommandField"),
                                                QStringLiteral("contextDirField"),
                                                QStringLiteral("portField")} +
                                        runtimeOptions;
    QTest::newRow("runtime-dockerfile")
        << QStringLiteral("runtime-dockerfile")
        << QStringList{QStringLiteral("dockerfileField"), QStringLiteral("contextDirField"),
                       QStringLiteral("portField")} +
               runtimeOptions;
    QTest::newRow("auto") << QStringLiteral("auto")
                          << QStringList{QStringLiteral("contextDirField"), QStringLiteral("portField")} +
                                 runtimeOptions;
}

void ApplicationFormTest::showsOnlyTheFieldsTheBuildTypeUses()
{
    QFETCH(QString, type);
    QFETCH(QStringList, visible);

    ApplicationForm form;
    form.show();
    // From another type, so that the switch itself is what shows and hides.
    chooseBuildType(form, type == u"auto" ? QStringLiteral("static") : QStringLiteral("auto"));
    chooseBuildType(form, type);
    QCOMPARE(visibleInputs(form), visible);
}

void ApplicationFormTest::showsAFieldErrorOnItsInput_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("inputName");

    QTest::newRow("name") << QStringLiteral("static") << QStringLiteral("name")
                          << QStringLiteral("nameField");
    QTest::newRow("ref") << QStringLiteral("static") << QStringLiteral("ref") << QStringLiteral("refField");
    QTest::newRow("build type") << QStringLiteral("static") << QStringLiteral("build.type")
                                << QStringLiteral("buildTypeCombo");
    QTest::newRow("deploy type") << QStringLiteral("auto") << QStringLiteral("deploy_type")
                                 << QStringLiteral("buildTypeCombo");
    QTest::newRow("build command") << QStringLiteral("static-cmd") << QStringLiteral("build.build_command")
                                   << QStringLiteral("buildCommandField");
    QTest::newRow("start command") << QStringLiteral("runtime-cmd") << QStringLiteral("build.start_command")
                                   << QStringLiteral("startCommandField");
    QTest::newRow("artifact dir") << QStringLiteral("static-cmd") << QStringLiteral("build.artifact_dir")
                                  << QStringLiteral("artifactDirField");
    QTest::newRow("dockerfile") << QStringLiteral("runtime-dockerfile") << QStringLiteral("build.dockerfile")
                                << QStringLiteral("dockerfileField");
    QTest::newRow("context dir") << QStringLiteral("auto") << QStringLiteral("build.context_dir")
                                 << QStringLiteral("contextDirField");
    QTest::newRow("port") << QStringLiteral("runtime-cmd") << QStringLiteral("build.port")
                          << QStringLiteral("portField");
    QTest::newRow("spa fallback") << QStringLiteral("static") << QStringLiteral("spa_fallback")
                                  << QStringLiteral("spaFallbackCheck");
    QTest::newRow("health check") << QStringLiteral("runtime-cmd") << QStringLiteral("health_check_path")
                                  << QStringLiteral("healthCheckPathField");
    QTest::newRow("memory") << QStringLiteral("runtime-cmd") << QStringLiteral("memory_limit_mb")
                            << QStringLiteral("memoryLimitField");
    QTest::newRow("cpu") << QStringLiteral("runtime-dockerfile") << QStringLiteral("cpu_millicores")
                         << QStringLiteral("cpuLimitField");
}

void ApplicationFormTest::showsAFieldErrorOnItsInput()
{
    QFETCH(QString, type);
    QFETCH(QString, field);
    QFETCH(QString, inputName);

    ApplicationForm form;
    form.show();
    chooseBuildType(form, type);
    QVERIFY(form.showFieldError(field, field + QStringLiteral(": is not acceptable")));

    QWidget *refused = input(form, inputName);
    QVERIFY(refused->property("fieldError").toBool());
    QVERIFY(!refused->styleSheet().isEmpty());
    QLabel *message = errorUnder(form, inputName);
    QVERIFY(message);
    QVERIFY(message->isVisible());
    QCOMPARE(message->text(), QStringLiteral("is not acceptable"));
    // Only the refused input is marked.
    for (QWidget *other : form.findChildren<QWidget *>()) {
        if (other != refused && other->objectName() != u"buildTypeCombo")
            QVERIFY2(!other->property("fieldError").toBool(), qPrintable(other->objectName()));
    }
}

void ApplicationFormTest::showsAWebsiteErrorOnItsCell_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<int>("column");

    QTest::newRow("fqdn") << QStringLiteral("websites[1].fqdn") << 0;
    QTest::newRow("path prefix") << QStringLiteral("websites[1].path_prefix") << 1;
    QTest::newRow("strip prefix") << QStringLiteral("websites[1].strip_prefix") << 2;
}

void ApplicationFormTest::showsAWebsiteErrorOnItsCell()
{
    QFETCH(QString, field);
    QFETCH(int, column);

    ApplicationForm form;
    form.setConfig(staticSite());
    form.show();
    QVERIFY(form.showFieldError(field, field + QStringLiteral(": 'Club.localhost' must be lowercase")));

    auto *table = form.findChild<QTableWidget *>(QStringLiteral("websitesTable"));
    QCOMPARE(table->item(1, column)->toolTip(), QStringLiteral("'Club.localhost' must be lowercase"));
    QVERIFY(table->item(1, column)->background().style() != Qt::NoBrush);
    QVERIFY(table->item(0, column)->toolTip().isEmpty());
    QLabel *message = errorUnder(form, QStringLiteral("websitesTable"));
    QVERIFY(message->isVisible());
    QCOMPARE(message->text(), QStringLiteral("Website 2: 'Club.localhost' must be lowercase"));
}

void ApplicationFormTest::leavesFieldsOfOtherFormsAlone()
{
    ApplicationForm websitesOnly(ApplicationForm::Part::Websites);
    QVERIFY(!websitesOnly.showFieldError(QStringLiteral("name"), QStringLiteral("name: must not be empty")));
    QVERIFY(!websitesOnly.showFieldError(QStringLiteral("build.start_command"), QStringLiteral("required")));
    QVERIFY(!websitesOnly.showFieldError(QStringLiteral("env.FOO"), QStringLiteral("bad")));
    QVERIFY(websitesOnly.showFieldError(QStringLiteral("websites[0].fqdn"), QStringLiteral("bad")));

    ApplicationForm buildOnly(ApplicationForm::Part::Build);
    QVERIFY(!buildOnly.showFieldError(QStringLiteral("websites[0].fqdn"), QStringLiteral("bad")));
    QVERIFY(!buildOnly.showFieldError(QStringLiteral("memory_limit_mb"), QStringLiteral("bad")));
    QVERIFY(buildOnly.findChild<QWidget *>(QStringLiteral("nameField")) == nullptr);
}

void ApplicationFormTest::clearsFieldErrors()
{
    ApplicationForm form;
    form.setConfig(runningApp());
    form.show();
    QVERIFY(form.showFieldError(QStringLiteral("name"), QStringLiteral("name: must not be empty")));
    QVERIFY(form.showFieldError(QStringLiteral("websites"), QStringLiteral("websites: too many")));

    form.clearFieldErrors();
    QVERIFY(!input(form, QStringLiteral("nameField"))->property("fieldError").toBool());
    QVERIFY(!errorUnder(form, QStringLiteral("nameField"))->isVisible());
    QVERIFY(!errorUnder(form, QStringLiteral("websitesTable"))->isVisible());
}

void ApplicationFormTest::roundTripsAConfig_data()
{
    QTest::addColumn<ApplicationConfig>("config");

    QTest::newRow("static site") << staticSite();
    QTest::newRow("running app") << runningApp();
    ApplicationConfig dockerfile = runningApp();
    dockerfile.buildType = QStringLiteral("runtime-dockerfile");
    dockerfile.buildCommand.clear();
    dockerfile.startCommand.clear();
    dockerfile.dockerfile = QStringLiteral("deploy/Dockerfile");
    QTest::newRow("dockerfile") << dockerfile;
}

void ApplicationFormTest::roundTripsAConfig()
{
    QFETCH(ApplicationConfig, config);

    ApplicationForm form;
    form.setConfig(config);
    QCOMPARE(form.config(), config);

    // Into a second form through its inputs, as a user would see them.
    ApplicationForm copy;
    copy.setConfig(form.config());
    QCOMPARE(copy.findChild<QLineEdit *>(QStringLiteral("nameField"))->text(), config.name);
    QCOMPARE(copy.findChild<QComboBox *>(QStringLiteral("buildTypeCombo"))->currentData().toString(),
             config.buildType);
    QCOMPARE(copy.findChild<QTableWidget *>(QStringLiteral("websitesTable"))->rowCount(),
             config.websites.size());
    QCOMPARE(copy.config(), config);
}

void ApplicationFormTest::dropsFieldsTheBuildTypeDoesNotUse()
{
    ApplicationForm form;
    form.setConfig(runningApp());

    chooseBuildType(form, QStringLiteral("static"));
    ApplicationConfig asStatic = form.config();
    QVERIFY(asStatic.startCommand.isEmpty());
    QVERIFY(asStatic.buildCommand.isEmpty());
    QCOMPARE(asStatic.port, 0);
    QVERIFY(asStatic.healthCheckPath.isEmpty());
    QCOMPARE(asStatic.memoryLimitMb, 0);
    QCOMPARE(asStatic.autoSleepSeconds, 0);

    // What the user typed is still there when they switch back.
    chooseBuildType(form, QStringLiteral("runtime-cmd"));
    QCOMPARE(form.config(), runningApp());
}

void ApplicationFormTest::addsAndRemovesWebsites()
{
    ApplicationForm form;
    form.setConfig(staticSite());
    form.show();
    auto *table = form.findChild<QTableWidget *>(QStringLiteral("websitesTable"));

    form.findChild<QPushButton *>(QStringLiteral("addWebsiteButton"))->click();
    QCOMPARE(table->rowCount(), 3);
    // A row added and left blank is not a website.
    QCOMPARE(form.config().websites, staticSite().websites);
    table->item(2, 0)->setText(QStringLiteral("news.localhost"));
    QCOMPARE(form.config().websites.size(), 3);
    QCOMPARE(form.config().websites.last().fqdn, QStringLiteral("news.localhost"));

    table->selectRow(0);
    form.findChild<QPushButton *>(QStringLiteral("removeWebsiteButton"))->click();
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(form.config().websites.first(), staticSite().websites.at(1));
}

QTEST_MAIN(ApplicationFormTest)
#include "tst_application_form.moc"
