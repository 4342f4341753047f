# The policy editor: QScintilla with diagnostics, completion, outline,
# go-to, find, background validation and the Problems list (ui/editor/).
target_sources(osh_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/policyeditor.cpp ${CMAKE_CURRENT_LIST_DIR}/policyeditor.h
    ${CMAKE_CURRENT_LIST_DIR}/problemsmodel.cpp ${CMAKE_CURRENT_LIST_DIR}/problemsmodel.h
    ${CMAKE_CURRENT_LIST_DIR}/utf8offsets.cpp ${CMAKE_CURRENT_LIST_DIR}/utf8offsets.h
    ${CMAKE_CURRENT_LIST_DIR}/diagnosticrange.cpp ${CMAKE_CURRENT_LIST_DIR}/diagnosticrange.h
    ${CMAKE_CURRENT_LIST_DIR}/completioncontext.cpp ${CMAKE_CURRENT_LIST_DIR}/completioncontext.h
    ${CMAKE_CURRENT_LIST_DIR}/backgroundvalidator.cpp ${CMAKE_CURRENT_LIST_DIR}/backgroundvalidator.h
    ${CMAKE_CURRENT_LIST_DIR}/documentoutline.cpp ${CMAKE_CURRENT_LIST_DIR}/documentoutline.h
    ${CMAKE_CURRENT_LIST_DIR}/gotopopup.cpp ${CMAKE_CURRENT_LIST_DIR}/gotopopup.h
    ${CMAKE_CURRENT_LIST_DIR}/findbar.cpp ${CMAKE_CURRENT_LIST_DIR}/findbar.h
)
