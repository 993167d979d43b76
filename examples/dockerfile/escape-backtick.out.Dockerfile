# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN New-Item -ItemType Directory C:\app ; `
    Set-Location C:\app
COPY app.zip C:\app\
COPY config.json C:\app\config.json
HEALTHCHECK NONE
CMD ["C:\\app\\app.exe"]
