# The Debian package (CPack DEB): `cmake --build build --target package`, or
# scripts/package.sh which builds everything first (web/dist must exist).
#   /usr/bin/ankang-server
#   /usr/share/ankang/web/                     the pages (web/dist, with .gz twins)
#   /lib/systemd/system/ankang.service         deploy/ankang.service
#   /etc/ankang/ankang.conf                    deploy/ankang.conf (a conffile)
#   /etc/nginx/sites-available/ankang          the site part of deploy/nginx.conf
#   /usr/share/ankang/nginx.conf               the whole of it (10,000 connections)
#   /usr/share/doc/ankang/                     README.md, server/README.md, copyright
# Maintainer scripts in deploy/debian/: the user ankang, /var/lib/ankang, `init`
# on first install; purge deletes the data unless /var/lib/ankang/KEEP exists.
include(GNUInstallDirs)

install(TARGETS ankang-server RUNTIME DESTINATION bin)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/web/dist/ DESTINATION share/ankang/web)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/ankang.service DESTINATION /lib/systemd/system)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/ankang.conf DESTINATION /etc/ankang)
# The nginx site: the http-level part of deploy/nginx.conf (between its
# "--- site" markers) serving the installed pages; Debian's own nginx.conf
# keeps its 768 connections per worker. For 10,000 connections the whole
# file replaces /etc/nginx/nginx.conf: /usr/share/ankang/nginx.conf.
file(READ ${CMAKE_SOURCE_DIR}/deploy/nginx.conf ANKANG_NGINX)
string(REPLACE "/srv/ankang/web/dist" "/usr/share/ankang/web" ANKANG_NGINX "${ANKANG_NGINX}")
string(FIND "${ANKANG_NGINX}" "# --- site: from here" ANKANG_SITE_BEGIN)
string(FIND "${ANKANG_NGINX}" "# --- site ends" ANKANG_SITE_END)
if(ANKANG_SITE_BEGIN EQUAL -1 OR ANKANG_SITE_END EQUAL -1)
  message(FATAL_ERROR "deploy/nginx.conf lacks its '# --- site' markers")
endif()
math(EXPR ANKANG_SITE_LENGTH "${ANKANG_SITE_END} - ${ANKANG_SITE_BEGIN}")
string(SUBSTRING "${ANKANG_NGINX}" ${ANKANG_SITE_BEGIN} ${ANKANG_SITE_LENGTH} ANKANG_SITE)
file(WRITE ${CMAKE_BINARY_DIR}/deploy/ankang.nginx
     "# Ankang behind nginx: the site part of deploy/nginx.conf (http context).\n"
     "# Enable: ln -s /etc/nginx/sites-available/ankang /etc/nginx/sites-enabled/\n"
     "# For 10,000 connections use /usr/share/ankang/nginx.conf as /etc/nginx/nginx.conf.\n"
     "    ${ANKANG_SITE}")
file(WRITE ${CMAKE_BINARY_DIR}/deploy/nginx.conf "${ANKANG_NGINX}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/deploy/nginx.conf)
install(FILES ${CMAKE_BINARY_DIR}/deploy/ankang.nginx DESTINATION /etc/nginx/sites-available
        RENAME ankang)
install(FILES ${CMAKE_BINARY_DIR}/deploy/nginx.conf DESTINATION share/ankang)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/grafana-ankang.json DESTINATION share/ankang)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/deploy/copyright
        DESTINATION share/doc/ankang)
install(FILES ${CMAKE_SOURCE_DIR}/server/README.md DESTINATION share/doc/ankang
        RENAME server-README.md)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ankang)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Ankang maintainers <maintainers@ankang.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "health declaration and health code server")
set(CPACK_PACKAGE_DESCRIPTION
    "Residents declare their health and travel in a small web page and get a red, yellow or\n\
green code; venue staff scan and verify the signed QR code, online or offline. One server\n\
on SQLite, or several on PostgreSQL. The package runs it as the systemd service ankang\n\
behind nginx.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, curl")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "nginx-light | nginx")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/deploy/debian/postinst ${CMAKE_SOURCE_DIR}/deploy/debian/prerm
    ${CMAKE_SOURCE_DIR}/deploy/debian/postrm ${CMAKE_SOURCE_DIR}/deploy/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
